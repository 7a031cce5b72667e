// Compiled by `tsc -p .` (never run): the shipped declarations describe the API as documented.
import { AuthError, createAuthClient, readableState } from "../types/index.js";
import type { AuthClient, AuthEvent, AuthState } from "../types/index.js";

const auth: AuthClient = createAuthClient({
  baseUrl: "https://api.example.test",
  bearerOrigins: ["https://files.example.test"],
  timeoutMs: 5_000,
  endpoints: { logout: "/api/custom-logout/" },
});

const state: AuthState = auth.getState();
const status: "signed_in" | "signed_out" = state.status;
const claims: Readonly<Record<string, unknown>> | null = state.user;
const unsubscribe: () => void = auth.subscribe((next: AuthState, event: AuthEvent) => {
  if (event.type === "refresh_failed") {
    const retryInMs: number | undefined = event.retryInMs;
    void retryInMs;
  }
  void next;
});

export async function use(signal: AbortSignal): Promise<void> {
  const response: Response = await auth.apiFetch("/api/things/", { method: "POST", json: { a: 1 }, signal });
  const token: string | null = await auth.getAccessToken();
  const confirmed: boolean = await auth.logout();
  const restored: AuthState = await auth.restore();
  try {
    await auth.login({ username: "u", password: "p" });
  } catch (error) {
    if (error instanceof AuthError) {
      const code: string = error.code;
      const transient: boolean = error.transient;
      const retryAfter: number | null = error.retryAfter;
      void [code, transient, retryAfter];
    }
  }
  void [response, token, confirmed, restored];
}

readableState(auth).subscribe((value: AuthState) => void value);

// @ts-expect-error: not one of the storage modes
createAuthClient({ refreshStorage: "session_storage" });
// @ts-expect-error: apiFetch takes no such option
auth.apiFetch("/api/me/", { jsonBody: {} });

void [status, claims, unsubscribe];
auth.dispose();
