// Improves the finder when JavaScript is on; every part of it also works without.
// Addresses are relative or read from the page, so the app works under a path prefix.
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()

// Ticking a filter or choosing a sort runs the search at once. The page reloads, so the
// address carries the control's id as a fragment and focus goes back to it afterwards.
const form = document.querySelector('form[data-auto-submit]')
if (form) {
  form.addEventListener('change', (event) => {
    const control = event.target
    if (!control.matches('input[type="checkbox"], select')) return
    form.action = form.getAttribute('action').split('#')[0] + '#' + control.id
    if (form.requestSubmit) { form.requestSubmit() } else { form.submit() }
  })
  // Marks the form as submitting itself on change (the browser tests wait for this).
  form.dataset.autoSubmitReady = 'true'
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1))
  if (target && form.contains(target) && target.matches('input, select')) {
    target.focus()
  }
}
