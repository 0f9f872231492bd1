// Renders a pyvis page inside an iframe sandboxed with "allow-scripts" only (opaque origin:
// the graph cannot reach the app page) and turns the node clicks it posts into a trigger value.
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let frame = parentElement.querySelector("iframe.dlkg-graph");
  if (!frame) {
    frame = document.createElement("iframe");
    frame.className = "dlkg-graph";
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.display = "block";
    parentElement.appendChild(frame);
  }
  const payload = data || {};
  frame.setAttribute("title", String(payload.title || "graph"));
  frame.style.height = String(Number(payload.height) || 560) + "px";
  const html = String(payload.html || "");
  if (frame.dataset.digest !== String(payload.digest)) {
    frame.dataset.digest = String(payload.digest);
    frame.srcdoc = html;
  }
  if (frame.dlkgListener) {
    window.removeEventListener("message", frame.dlkgListener);
  }
  const listener = (event) => {
    if (event.source !== frame.contentWindow) return;
    const msg = event.data;
    if (!msg || msg.type !== "dlkg-node-click" || typeof msg.id !== "string") return;
    setTriggerValue("click", msg.id);
  };
  frame.dlkgListener = listener;
  window.addEventListener("message", listener);
  return () => window.removeEventListener("message", listener);
}
