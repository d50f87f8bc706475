import './style.css';
import { App } from './ui/app.ts';

void new App(document.querySelector<HTMLElement>('#app')!).start();
