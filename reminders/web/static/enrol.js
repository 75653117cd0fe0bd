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
  const banner = document.getElementById("form-errors");
  const touched = new Set(banner ? fields : []);

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

  // After a refused save the banner lists what the live check finds wrong now, all of
  // it, and goes once every field is right (it would otherwise name fixed fields).
  function showBanner(errors, labels) {
    if (!banner) return;
    const wrong = fields.filter((name) => errors[name] && touched.has(name));
    banner.hidden = wrong.length === 0;
    const count = wrong.length === 1 ? "1 field" : wrong.length + " fields";
    document.getElementById("form-errors-summary").textContent =
      "Nothing was saved: please correct the " + count + " below.";
    const list = document.getElementById("form-errors-list");
    list.replaceChildren(...wrong.map((name) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#" + name;
      link.textContent = labels[name] || name;
      item.append(link, ": " + errors[name]);
      return item;
    }));
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
    showBanner(data.errors, data.labels);
    form.dataset.previewed = String(mine);
  }

  function schedule(event) {
    if (event && event.target && event.target.name) touched.add(event.target.name);
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
