import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installTestHooks } from './call/testHooks';
import './styles.css';

installTestHooks(window);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
// No StrictMode: its double-run of effects would join the call twice in development.
createRoot(root).render(<App />);
