// The mutexlab dashboard: plain browser JavaScript modules (no build step: a page of this size
// does not need one, and the API serves the files as they are), talking to the API that serves
// it. Three views, chosen by the URL's hash:
//   #/  or  #/?outcome=crash&...   the submit form and the list (list.js)
//   #/experiments/{id}             one experiment (detail.js)
//   #/compare/{a}/{b}              two side by side (compare.js)
// Everything is reachable by keyboard: links are links, actions are buttons, forms are forms,
// and focus moves to the heading of the view that opens.
import { fetchBlob, revokeBlobs, apiKey } from './api.js';
import { $, h } from './dom.js';
import { showCompare } from './compare.js';
import { showDetail } from './detail.js';
import { initList, listHash, showList, startLive } from './list.js';

const keyInput = $('#api-key');
keyInput.value = localStorage.getItem('mutexlab.apiKey') ?? '';
keyInput.addEventListener('change', () => {
  localStorage.setItem('mutexlab.apiKey', keyInput.value.trim());
  startLive();
  route();
});

// Downloads go through fetch when there is an API key (a plain link cannot send the header).
document.addEventListener('click', async (ev) => {
  const a = ev.target.closest?.('a[data-fetch]');
  if (!a || !apiKey()) return;
  ev.preventDefault();
  const url = await fetchBlob(a.getAttribute('href'));
  const tmp = h('a', { href: url, download: a.getAttribute('download') });
  document.body.append(tmp); tmp.click(); tmp.remove();
});

let leaveView = () => {};
function route() {
  leaveView(); leaveView = () => {};
  revokeBlobs();
  const hash = location.hash || '#/';
  const detail = /^#\/experiments\/([A-Za-z0-9_-]+)$/.exec(hash);
  const compare = /^#\/compare\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/.exec(hash);
  $('#list-view').hidden = Boolean(detail || compare);
  $('#detail-view').hidden = !detail;
  $('#compare-view').hidden = !compare;
  if (detail) {
    $('#detail-view').replaceChildren(h('p', {}, 'Loading…'));
    leaveView = showDetail($('#detail-view'), detail[1], { listHash: listHash() });
  } else if (compare) {
    $('#compare-view').replaceChildren(h('p', {}, 'Loading…'));
    leaveView = showCompare($('#compare-view'), compare[1], compare[2], { listHash: listHash() });
  } else {
    const q = hash.indexOf('?');
    showList(q >= 0 ? hash.slice(q + 1) : '');
    const wasElsewhere = document.activeElement && !$('#list-view').contains(document.activeElement);
    if (wasElsewhere) $('#main').focus();
  }
}
window.addEventListener('hashchange', route);
initList();
route();
