/*
 * upload.js: the upload form of a /documents folder page, with a progress bar and drag-and-drop.
 *
 * Without this script the form is a plain multipart POST, and it stays one. With it, the same
 * POST (the same fields, the CSRF token first, then the files) is sent with XMLHttpRequest,
 * so a <progress> can show how much of the batch has gone, and files dropped onto the form
 * are sent the same way. When the server answers, the browser goes where the plain form would
 * have gone: the server redirects to the folder page, XHR follows, and xhr.responseURL names
 * the page to open. An error answer's message (the alert of the page the server rendered, or
 * a plain-text body) is shown in the page's error paragraph, and the form can be sent again.
 *
 * Hand-written on purpose: upload progress and drag-and-drop are a few dozen lines of the
 * browser's own API, so no library is needed. Plain ES2017, no build step, nothing inline:
 * the page keeps its strict Content-Security-Policy (script-src 'self', connect-src 'self').
 * The server compiles this file in and serves it under a content-hashed name
 * (src/web/assets.rs); the markup hooks are in templates/documents.html.
 */
(function () {
  'use strict';

  const form = document.getElementById('upload-form');
  const input = form && form.querySelector('input[type=file]');
  const button = form && form.querySelector('button[type=submit]');
  const bar = document.getElementById('upload-progress');
  const percent = document.getElementById('upload-percent');
  const errorBox = document.getElementById('page-error');
  if (!input || !button || !bar || !percent || !errorBox || !window.FormData || !window.XMLHttpRequest) {
    return; // nothing to enhance here: the plain form (if any) works as it is
  }
  const hint = document.getElementById('upload-drop-hint');
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: 'percent' });
  let busy = false;
  let spoken = -1;

  if (hint) {
    hint.hidden = false;
  }

  // The bar moves with every progress event; the text (a live region, which a screen reader
  // reads out) changes in steps of ten per cent only.
  function show(fraction) {
    bar.value = fraction * bar.max;
    const step = Math.floor(fraction * 10);
    if (step !== spoken) {
      spoken = step;
      percent.textContent = format.format(step / 10);
    }
  }

  function fail(message) {
    busy = false;
    button.disabled = false;
    bar.hidden = true;
    bar.dataset.state = 'failed';
    percent.textContent = '';
    errorBox.textContent = message;
    errorBox.hidden = false;
    errorBox.scrollIntoView({ block: 'nearest' });
  }

  // What the server said: the alert of the page it rendered, a plain-text body, or else the
  // form's own words.
  function messageOf(xhr) {
    const type = xhr.getResponseHeader('Content-Type') || '';
    const body = xhr.responseText || '';
    if (type.startsWith('text/html')) {
      const page = new DOMParser().parseFromString(body, 'text/html');
      const alert = page.querySelector('main [role=alert]:not([hidden])');
      if (alert && alert.textContent.trim()) {
        return alert.textContent.trim();
      }
    } else if (type.startsWith('text/plain') && body.trim()) {
      return body.trim().slice(0, 500);
    }
    return form.dataset.failed;
  }

  function send(data) {
    if (busy) {
      return;
    }
    busy = true;
    errorBox.hidden = true;
    spoken = -1;
    show(0);
    bar.dataset.state = 'sending';
    bar.hidden = false;
    button.disabled = true;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.addEventListener('progress', function (event) {
      if (event.lengthComputable && event.total > 0) {
        show(event.loaded / event.total);
      }
    });
    xhr.addEventListener('load', function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        show(1);
        bar.dataset.state = 'done';
        if (xhr.responseURL) {
          window.location.assign(xhr.responseURL);
        } else {
          window.location.reload();
        }
      } else {
        fail(messageOf(xhr));
      }
    });
    xhr.addEventListener('error', function () {
      fail(form.dataset.failed);
    });
    xhr.send(data);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    send(new FormData(form));
  });

  // Dropping files onto the form: the form's fields (the token) first, then the dropped files
  // in place of the ones chosen in the field.
  function carriesFiles(event) {
    return !!event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, 'Files') !== -1;
  }
  function allowDrop(event) {
    if (carriesFiles(event)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }
  form.addEventListener('dragenter', allowDrop);
  form.addEventListener('dragover', allowDrop);
  form.addEventListener('drop', function (event) {
    if (!carriesFiles(event)) {
      return;
    }
    event.preventDefault();
    const files = event.dataTransfer.files;
    if (!files.length) {
      return;
    }
    const data = new FormData(form);
    data.delete(input.name);
    for (let i = 0; i < files.length; i += 1) {
      data.append(input.name, files[i], files[i].name);
    }
    send(data);
  });
})();
