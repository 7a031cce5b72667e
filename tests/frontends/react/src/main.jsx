import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createAuthClient } from "auth-client";
import { App } from "./App.jsx";

// One client for the page, made outside React: StrictMode mounts components twice, and a
// store must outlive that. The API's origin comes from the address (?api=...), so one
// build serves any port.
const api = new URLSearchParams(location.search).get("api");
const auth = createAuthClient({ baseUrl: api });
auth.restore();

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <App auth={auth} api={api} />
  </StrictMode>,
);
