import './style.css';
import { App } from './ui/app.ts';
import { registerGpuTrainBackend } from './train/gpu-backend.ts';

registerGpuTrainBackend();

void new App(document.querySelector<HTMLElement>('#app')!).start();
