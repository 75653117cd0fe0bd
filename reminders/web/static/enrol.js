// Live preview on the enrol page: as staff type, the server checks the fields and plans
// the texts (the same code that saves), and this swaps in the result. Without
// JavaScript, the form still works: errors and the plan come back with the page.
(function () {
  const form = document.getElementById("enrol-form");
  if (!form) return;
  const fields = ["first_name", "phone", "protocol", "side", "injected_at", "timezone",
                  "language", "baseline_pain", "consent"];
  let timer = null, seq = 0;
  // Errors are shown for fields staff have changed; after a refused save, for all of them.
  const touched = new Set(document.getElementById("form-errors") ? fields : []);

  function showError(name, message) {
    const input = document.getElementById(name);
    let small = document.getElementById(name + "-error");
    if (!message || !touched.has(name)) {
      if (small) small.remove();
      if (input) input.removeAttribute("aria-invalid");
      return;
    }
    if (!small) {
      small = document.createElement("small");
      small.id = name + "-error";
      small.className = "field-error";
      small.setAttribute("role", "alert");
      const anchor = input.type === "checkbox" ? input.closest("label") : input;
      anchor.insertAdjacentElement("afterend", small);
    }
    small.textContent = message;
    input.setAttribute("aria-invalid", "true");
  }

  async function refresh() {
    const mine = ++seq;
    const response = await fetch(form.dataset.previewUrl, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
    });
    if (!response.ok || mine !== seq) return;
    const data = await response.json();
    document.getElementById("preview").innerHTML = data.html;
    document.getElementById("consent-text").textContent = data.consent_text;
    document.getElementById("phone-e164").textContent = data.phone ? "Will text " + data.phone : "";
    for (const name of fields) showError(name, data.errors[name]);
    updateBanner();
    form.dataset.previewed = String(mine);
  }

  // The banner of a refused save counts the fields still marked: it follows the live
  // check, and goes once nothing is left to correct.
  function updateBanner() {
    const banner = document.getElementById("form-errors");
    if (!banner) return;
    const left = form.querySelectorAll(".field-error").length;
    if (left === 0) {
      banner.remove();
      return;
    }
    banner.textContent = "Nothing was saved: please correct the " + left + " field" +
      (left === 1 ? "" : "s") + " marked below.";
  }

  function schedule(event) {
    if (event && event.target && event.target.name) touched.add(event.target.name);
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
