// The trainer console's behaviour beyond htmx: sections added, moved and removed in the editor,
// the related-entries filter, confirmations, Ctrl+S, Enter in the draft test. No inline scripts
// (the Content-Security-Policy allows only files from this site).
"use strict";

(function () {
  const editor = document.getElementById("editor");

  function changed() {
    if (editor && window.htmx) window.htmx.trigger(editor, "kb:changed");
  }

  // --- sections --------------------------------------------------------------------------
  const sections = document.getElementById("sections");
  const template = document.getElementById("section-template");
  let counter = 0;
  function freshKey() {
    let key;
    do { key = "n" + (++counter); } while (document.querySelector('[data-key="' + key + '"]'));
    return key;
  }
  const add = document.getElementById("add-section");
  if (add && sections && template) {
    add.addEventListener("click", function () {
      const key = freshKey();
      const html = template.innerHTML.replaceAll("__KEY__", key);
      sections.insertAdjacentHTML("beforeend", html);
      const block = sections.lastElementChild;
      if (window.htmx) window.htmx.process(block);
      block.querySelector("input[name$='-heading']").focus();
      changed();
    });
  }
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-move], [data-remove]");
    if (!button) return;
    const block = button.closest(".block");
    if (!block) return;
    if (button.hasAttribute("data-remove")) {
      const heading = block.querySelector("input[name$='-heading']").value || "这一节";
      if (!window.confirm("删除小节“" + heading + "”？保存后才会生效。")) return;
      const next = block.nextElementSibling || block.previousElementSibling;
      block.remove();
      if (next) next.querySelector("input[name$='-heading']").focus();
    } else if (button.dataset.move === "up" && block.previousElementSibling) {
      block.parentNode.insertBefore(block, block.previousElementSibling);
      button.focus();
    } else if (button.dataset.move === "down" && block.nextElementSibling) {
      block.parentNode.insertBefore(block.nextElementSibling, block);
      button.focus();
    }
    changed();
  });

  // --- related entries picker -----------------------------------------------------------
  document.querySelectorAll("[data-filter]").forEach(function (input) {
    const options = document.querySelector(input.dataset.filter);
    input.addEventListener("input", function () {
      const wanted = input.value.trim().toLowerCase();
      options.querySelectorAll("label").forEach(function (label) {
        const text = (label.dataset.text || label.textContent).toLowerCase();
        label.hidden = wanted !== "" && !text.includes(wanted) && !label.querySelector("input").checked;
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // filtering, not saving
    });
  });
  document.querySelectorAll(".picker").forEach(function (picker) {
    picker.addEventListener("change", function () {
      const count = picker.querySelector("[data-count]");
      if (count) count.textContent = picker.querySelectorAll("input[type=checkbox]:checked").length;
    });
  });

  // --- confirmations, keyboard ----------------------------------------------------------
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // Slow posts (the check before publishing, running every test case, reading a document) say so.
    form.classList.add("submitting");
    if (form.id === "editor") {
      const busy = document.getElementById("save-busy");
      if (busy) busy.classList.add("shown");
    }
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s" && editor) {
      event.preventDefault();
      const save = document.getElementById("save");
      if (save) save.click();
    }
  });
  const question = document.getElementById("try-question");
  if (question) {
    question.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        document.getElementById("try-button").click();
      }
    });
  }

  // --- a section named in the address (from the hit test) --------------------------------
  const highlighted = document.querySelector(".block.highlight");
  if (highlighted) {
    highlighted.scrollIntoView({block: "start"});
    const questions = highlighted.querySelector("textarea[name$='-questions']");
    if (questions) questions.focus({preventScroll: true});
  }
  // After the hit test answers, the question box is ready for the next one.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "hit-test") {
      const input = document.getElementById("message");
      if (input && !input.disabled) input.focus();
    }
  });
})();
