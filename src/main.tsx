/**
 * The page's entry: renders the app, boots the cluster in Web Workers, connects it to the
 * store and starts the clock at 1x so replication happens in real time.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { bootLab } from './ui/bootLab.ts';
import { engineFailed } from './ui/commands.ts';
import { describeError } from './ui/format.ts';
import { bootFailed, connectLab } from './ui/store.ts';
import './ui/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Nothing the engine throws may take the page down: show it instead.
window.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  console.error(e.reason);
  engineFailed(e.reason);
});

bootLab().then(
  (lab) => {
    connectLab(lab);
    lab.driver.play();
    console.info(
      `Replica Lab: cluster booted in ${Math.round(lab.bootMs)} ms (${Math.round(lab.readyAtMs)} ms after navigation start)`,
    );
  },
  (err: unknown) => {
    console.error(err);
    bootFailed(describeError(err));
  },
);
