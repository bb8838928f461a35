/**
 * The inspector's entry, kept small: it sends the requests the address calls for (the thread list,
 * the thread in the address), then loads the app, whose script is most of the page's bytes; the
 * server answers while that loads and compiles.
 */
import { Api, initialToken, prefetch, setToken } from "./api.js";
import { openingRequests, parseRoute } from "./opening.js";
import "./styles.css";

const token = initialToken();
setToken(token);
if (token) {
  const route = parseRoute();
  prefetch(() => {
    void Api.threads();
    if (route.threadId) openingRequests(route.threadId, route.seq);
  });
}

const { renderApp } = await import("./render.js");
renderApp(document.getElementById("root")!);
