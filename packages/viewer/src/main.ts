document.querySelector('#app')!.textContent = 'LossLab viewer';
