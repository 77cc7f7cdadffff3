import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

// Your backend gives the signed-in builder a token; next to the demo server (npm start), the
// demo's first builder's token is used.
const session = (await fetch('/demo-api/session').then((response) => response.json())) as { builders: { token: string }[] };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App token={session.builders[0]!.token} />
  </StrictMode>,
);
