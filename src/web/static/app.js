// Progressive enhancement only: every page works without this file.
(() => {
  // New ticket form: show the fields that apply to the chosen type (data-show-for="incident" etc.).
  const form = document.querySelector('form[data-ticket-form]');
  if (form) {
    const category = form.querySelector('select[name="category"]');
    const update = () => {
      const checked = form.querySelector('input[name="type"]:checked');
      const type = checked ? checked.value : '';
      for (const el of form.querySelectorAll('[data-show-for]')) {
        const show = el.dataset.showFor.split(' ').includes(type);
        el.hidden = !show;
        for (const input of el.querySelectorAll('input, select, textarea')) input.disabled = !show;
      }
      if (category) {
        for (const opt of category.querySelectorAll('option[data-type]')) {
          const show = opt.dataset.type === type;
          opt.hidden = !show;
          opt.disabled = !show;
          if (!show && opt.selected) category.value = '';
        }
        for (const group of category.querySelectorAll('optgroup[data-type]')) {
          group.hidden = group.dataset.type !== type;
        }
      }
    };
    for (const r of form.querySelectorAll('input[name="type"]')) r.addEventListener('change', update);
    update();
  }

  // File inputs: say at once when a file is over the limit (the server refuses it anyway).
  for (const input of document.querySelectorAll('input[type="file"][data-max-bytes]')) {
    input.addEventListener('change', () => {
      const max = Number(input.dataset.maxBytes);
      const file = input.files?.[0];
      const msg = input.dataset.tooLarge || 'File too large';
      input.setCustomValidity(file && file.size > max ? msg : '');
      if (file && file.size > max) input.reportValidity();
    });
  }

  // Focus the error summary after a failed submit, so screen readers read it.
  const summary = document.getElementById('form-errors');
  if (summary) summary.focus();
})();
