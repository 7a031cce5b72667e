import { useState, useSyncExternalStore } from "react";

export function App({ auth, api }) {
  const state = useSyncExternalStore(auth.subscribe, auth.getState);
  return (
    <main>
      <p>
        Status: <output data-testid="status">{state.status}</output>
      </p>
      {state.status === "signed_in" ? <Session auth={auth} api={api} state={state} /> : <SignIn auth={auth} />}
    </main>
  );
}

function SignIn({ auth }) {
  const [error, setError] = useState("");

  async function signIn(event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError("");
    try {
      await auth.login({ username: form.get("username"), password: form.get("password") });
    } catch (failure) {
      setError(failure.code ?? String(failure));
    }
  }

  return (
    <form onSubmit={signIn}>
      <input name="username" aria-label="Username" autoComplete="username" />
      <input name="password" aria-label="Password" type="password" autoComplete="current-password" />
      <button type="submit">Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function Session({ auth, api, state }) {
  const [me, setMe] = useState(null);

  async function whoAmI() {
    const response = await auth.apiFetch(`${api}/api/me/`);
    setMe(response.ok ? await response.json() : { status: response.status });
  }

  return (
    <section>
      <p>
        Signed in as <span data-testid="username">{state.user?.username}</span>
      </p>
      <p>
        Access token expires at <time data-testid="expires-at">{new Date(state.expiresAt).toISOString()}</time>,
        refreshed <span data-testid="refresh-count">{state.refreshCount}</span> times
      </p>
      <button type="button" onClick={whoAmI}>
        Who am I?
      </button>
      {me && <pre data-testid="me">{JSON.stringify(me)}</pre>}
      <button type="button" onClick={() => auth.logout()}>
        Sign out
      </button>
    </section>
  );
}
