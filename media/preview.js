// The prompt preview's page script: the sample picker, links to files and commands, and content updates from the extension.
// Loaded with the page's nonce; it never builds markup from data, it only swaps in the body the extension escaped.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');

  document.addEventListener('change', (event) => {
    const target = event.target;
    if (target instanceof HTMLSelectElement && target.id === 'sample') {
      vscode.postMessage({ type: 'sample', index: Number(target.value) });
    }
  });

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-open], [data-command]') : null;
    if (!target) return;
    event.preventDefault();
    const file = target.getAttribute('data-open');
    if (file !== null) vscode.postMessage({ type: 'open', file });
    const command = target.getAttribute('data-command');
    if (command !== null) vscode.postMessage({ type: 'command', command });
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'update' || typeof message.body !== 'string' || !root) return;
    const focused = document.activeElement && document.activeElement.id;
    root.innerHTML = message.body;
    if (focused) {
      const again = document.getElementById(focused);
      if (again) again.focus();
    }
  });

  vscode.postMessage({ type: 'ready' });
})();
