// Improves the finder when JavaScript is on; every part of it also works without.
// Addresses are relative or read from the page, so the app works under a path prefix, and no
// script adds a #fragment to the address a person can copy or bookmark.
import { initAll } from '../govuk/govuk-frontend.min.js'
import { initFacetSearch } from './facet-search.mjs'
import { initFilterPanel } from './filter-panel.mjs'
import { afterReload, rememberForReload } from './after-reload.mjs'

initAll()
initInPageLinks()
initFacetSearch()
const panel = initFilterPanel()

// Ticking a filter or choosing a sort runs the search at once. The page reloads; what to do
// when it has (focus back to the control, the filters still open, the count read out) is kept
// for that one page load in sessionStorage rather than in the address.
const form = document.querySelector('form[data-auto-submit]')
if (form) {
  form.addEventListener('change', (event) => {
    const control = event.target
    if (!control.matches('input[type="checkbox"], select')) return
    rememberForReload({ focus: control.id, panelOpen: panel ? panel.isOpen() : false, announce: true })
    if (form.requestSubmit) { form.requestSubmit() } else { form.submit() }
  })
  // Links that change the results (removing a filter, a timeline bar, another page of them):
  // focus goes to the results heading after, and the count is read out.
  document.addEventListener('click', (event) => {
    const link = event.target.closest &&
      event.target.closest('a[data-focus-results], a.app-chart__link, .govuk-pagination a')
    if (link) rememberForReload({ focus: 'results-count', announce: true })
  })
  afterReload(panel)
  // Marks the form as submitting itself on change (the browser tests wait for this).
  form.dataset.autoSubmitReady = 'true'
}

// A link to a place on the same page (the skip links, the error summary's) moves focus there
// without adding #id to the address.
function initInPageLinks () {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
    const link = event.target.closest && event.target.closest('a[href^="#"]')
    if (!link) return
    const target = document.getElementById(link.getAttribute('href').slice(1))
    if (!target) return
    event.preventDefault()
    if (!target.matches('a, button, input, select, textarea, [tabindex]')) target.setAttribute('tabindex', '-1')
    target.focus()
    target.scrollIntoView({ block: 'start' })
  })
}
