// Start the UI on whichever transport there is: the Electron preload's window.chunkscope,
// else the WebSocket bridge of `chunkscope serve` (HTTP Toolkit's habit: the UI works
// without its desktop shell).
import { createRoot } from 'react-dom/client';
import type { ChunkscopeApi } from '../../shared/api';
import { App } from './components/App';
import { ApiContext, StoreContext } from './context';
import { browserStorage } from './store/settings';
import { createAppStore, createIngest } from './store/store';
import { followTheme } from './theme';
import { createWebSocketApi } from './transport/websocket';
import './styles/base.css';
import './styles/toolbar.css';
import './styles/list.css';
import './styles/detail.css';
import './styles/plots.css';
import './styles/panels.css';
import './styles/held.css';
import './styles/compose.css';

declare global {
  interface Window {
    chunkscope?: ChunkscopeApi;
  }
}

const store = createAppStore(browserStorage());
followTheme(store);
const api = window.chunkscope ?? createWebSocketApi(window.location, (state) => store.getState().setTransport(state));
if (window.chunkscope) store.getState().setTransport('connected');
api.onUpdate(createIngest(store));

createRoot(document.getElementById('root')!).render(
  <ApiContext.Provider value={api}>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </ApiContext.Provider>,
);
