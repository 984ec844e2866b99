// dopemail preview: live reload and the build-error overlay.
// The server streams events on /_events: "reload" when a file this page shows has changed,
// "problems" when the last build failed (drawn as an overlay over the last good page) and
// "ok" when a build succeeds again. The scroll position survives the reload (sessionStorage),
// and so do the panes the editor opened (an issue's HTML and MJML source).
(() => {
  const script = document.currentScript;
  const version = script.dataset.version || "0";
  const deps = script.dataset.deps || "*";
  const key = "dopemail-scroll:" + location.pathname + location.search;
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";

  // Opened again before the scroll is put back: closed, they left the page shorter than the
  // position, which then landed elsewhere (this script runs after the page's body).
  const openKey = "dopemail-open:" + location.pathname + location.search;
  const opened = sessionStorage.getItem(openKey);
  if (opened) {
    sessionStorage.removeItem(openKey);
    const panes = document.querySelectorAll("details");
    for (const i of JSON.parse(opened)) if (panes[i]) panes[i].open = true;
  }
  const panesOpen = () =>
    [...document.querySelectorAll("details")].flatMap((pane, i) => (pane.open ? [i] : []));

  const saved = sessionStorage.getItem(key);
  // The position still to restore: a second save may reload the page before it is (the
  // page still loading its pictures), and must carry it on, not the top of the page.
  let pending = saved ? JSON.parse(saved) : null;
  if (saved) {
    sessionStorage.removeItem(key);
    // After "load": the email frame has been sized by then, so the page is as tall as before.
    const restore = () => {
      window.scrollTo(pending[0], pending[1]);
      pending = null;
    };
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore);
  }

  // The overlay covers the top of the page: the editor may hide it, and a badge then says
  // the build is still failing (a failed build reloads nothing, so without it the page looked
  // healthy while it was stale). Hidden until another save fails: the server sends each
  // failure's id, and the one hidden is kept for the session, across reloads.
  const hiddenKey = "dopemail-hidden-problems";
  // The preview's own boxes over the page (the overlay, its badge, the note that it stopped):
  // fixed where css puts them, named for tests, and told to screen readers as role says.
  const box = (id, role, css) => {
    const made = document.createElement("div");
    made.id = id;
    made.setAttribute("role", role);
    made.style.cssText = "position:fixed;margin:0;" + css;
    return made;
  };
  let overlay = null;
  let badge = null;
  let last = null;
  const dropOverlay = () => {
    if (overlay) overlay.remove();
    overlay = null;
  };
  const dropBadge = () => {
    if (badge) badge.remove();
    badge = null;
  };
  const hide = () => {
    const focused = overlay && overlay.contains(document.activeElement);
    if (last && last.id) sessionStorage.setItem(hiddenKey, last.id);
    dropOverlay();
    showBadge();
    // Focus stays where the editor was, not lost to the top of the document (after the
    // badge's button is put in: see showBadge).
    if (focused) setTimeout(() => badge && badge.querySelector("button").focus(), 0);
  };
  const showBadge = () => {
    if (badge) return;
    // Announced politely when it appears; first in the page, so a Tab away.
    badge = box("dopemail-failing", "status",
      "z-index:2147483647;right:12px;bottom:12px;padding:0;font:14px/1.4 system-ui,sans-serif");
    document.body.prepend(badge);
    const show = document.createElement("button");
    show.type = "button";
    show.textContent = "Build failing – show";
    show.style.cssText =
      "font:inherit;font-weight:600;cursor:pointer;padding:6px 12px;border-radius:16px;" +
      "background:#1d0b0b;color:#ffe9e9;border:2px solid #e5484d;box-shadow:0 2px 8px #0006";
    show.addEventListener("click", () => {
      sessionStorage.removeItem(hiddenKey);
      if (last) showProblems(last);
      if (overlay) overlay.querySelector("button").focus();
    });
    // Filled once in place, so the live region announces its words.
    setTimeout(() => badge && badge.appendChild(show), 0);
  };
  const showProblems = (told) => {
    // {title, problems, id}; a list alone from a preview older than this page's script.
    last = Array.isArray(told) ? {problems: told} : told;
    const problems = last.problems;
    if (last.id && sessionStorage.getItem(hiddenKey) === last.id) {
      dropOverlay();
      showBadge();
      return;
    }
    dropBadge();
    if (!overlay) {
      overlay = box("dopemail-overlay", "alert",
        "z-index:2147483647;left:0;right:0;top:0;max-height:60vh;overflow:auto;" +
        "padding:16px 20px;background:#1d0b0b;color:#ffe9e9;border-bottom:4px solid #e5484d;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 4px 24px #0008;" +
        "white-space:pre-wrap;overflow-wrap:anywhere;text-align:left");
      // First in the page, so its Hide button is the first thing Tab reaches (last, it came
      // after every link of the page, which it covered meanwhile).
      document.body.prepend(overlay);
    }
    overlay.replaceChildren();
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Hide";
    button.style.cssText = "float:right;margin:0 0 8px 12px;font:inherit;cursor:pointer";
    button.addEventListener("click", hide);
    overlay.appendChild(button);
    const title = document.createElement("div");
    title.style.cssText = "font-weight:bold;color:#ff9b9b;margin-bottom:8px";
    title.textContent = last.title || "The build failed.";
    overlay.appendChild(title);
    for (const problem of problems) {
      const line = document.createElement("div");
      line.className = "dopemail-problem";
      line.style.margin = "6px 0";
      const where = document.createElement("b");
      where.textContent = problem.location ? problem.location + ": " : "";
      line.append(where, problem.message);
      if (problem.hint) {
        const hint = document.createElement("div");
        hint.style.cssText = "color:#f0c674;padding-left:2ch;white-space:pre-wrap";
        hint.textContent = "hint: " + problem.hint;
        line.appendChild(hint);
      }
      overlay.appendChild(line);
    }
  };
  // Tabbing on into the page would land on links the fixed overlay covers: focus going
  // under it puts it away, as Hide does, the badge left in its place.
  document.addEventListener("focusin", (event) => {
    if (!overlay || overlay.contains(event.target) || !event.target.getBoundingClientRect) return;
    const under = event.target.getBoundingClientRect();
    if (under.top < overlay.getBoundingClientRect().bottom && under.bottom > 0) hide();
  });
  const clearProblems = () => {
    dropOverlay();
    dropBadge();
    last = null;
    sessionStorage.removeItem(hiddenKey);
  };
  // A build succeeded: the page's own list of a failed one's problems (the index's, drawn
  // when it was loaded) goes too. A fix that brought back the last good build reloads
  // nothing, and the list said "this clears by itself".
  const buildOk = () => {
    clearProblems();
    for (const section of document.querySelectorAll("section.problems")) section.remove();
  };

  const url = "/_events?v=" + encodeURIComponent(version) +
    "&boot=" + encodeURIComponent(script.dataset.boot || "") + "&deps=" + encodeURIComponent(deps) +
    (script.dataset.warnings ? "&w=" + encodeURIComponent(script.dataset.warnings) : "");
  // Open only while the page is shown: a browser keeps six connections to one server, and a
  // stream held by every tab left the seventh tab (and the feeds, a test send) waiting. A tab
  // shown again opens its stream anew, and reloads at once if what it shows changed meanwhile.
  // The preview stopped (Ctrl-C, a closed terminal): said, or the editor saved on to a page
  // that no longer followed. The browser tries the stream again by itself; once it answers,
  // the note goes (and a preview started anew has the page reload).
  let gone = null;
  let goneSoon = null;
  const showGone = () => {
    goneSoon = null;
    if (gone) return;
    gone = box("dopemail-gone", "status",
      "z-index:2147483646;left:0;right:0;bottom:0;padding:8px 16px;" +
      "background:#2b2b2b;color:#fff;font:14px/1.4 system-ui,sans-serif;text-align:center");
    gone.textContent = "The preview is not answering (stopped?): saves do not show here until " +
      "dopemail preview runs again; this page then reconnects by itself.";
    document.body.appendChild(gone);
  };
  const clearGone = () => {
    if (goneSoon) clearTimeout(goneSoon);
    goneSoon = null;
    if (gone) gone.remove();
    gone = null;
  };
  let events = null;
  const listen = () => {
    if (events) return;
    events = new EventSource(url);
    events.addEventListener("open", clearGone);
    // Not at once: a stream the server ends is opened again within a moment.
    events.addEventListener("error", () => {
      if (!gone && !goneSoon) goneSoon = setTimeout(showGone, 1500);
    });
    events.addEventListener("reload", () => {
      sessionStorage.setItem(key, JSON.stringify(pending || [window.scrollX, window.scrollY]));
      sessionStorage.setItem(openKey, JSON.stringify(panesOpen()));
      events.close();
      location.reload();
    });
    events.addEventListener("problems", (event) => showProblems(JSON.parse(event.data)));
    events.addEventListener("ok", buildOk);
  };
  const rest = () => {
    if (events) events.close();
    events = null;
    clearGone();
  };
  document.addEventListener("visibilitychange", () => (document.hidden ? rest() : listen()));
  // Once the page has loaded: opened at once, the stream took a connection its pictures and
  // the email's frame waited for, and five preview pages on show left the sixth unloaded.
  // Or after a second, for a page whose pictures are slow to come: a save meanwhile still
  // reloads it.
  const start = () => {
    if (!document.hidden) listen();
  };
  if (document.readyState === "complete") start();
  else {
    window.addEventListener("load", start);
    setTimeout(start, 1000);
  }
})();
