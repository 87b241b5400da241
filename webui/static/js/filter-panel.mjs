// On a narrow screen the filters wait behind one "Filter" button, so the results come first; the
// panel's own button shows how many results the filters give and goes back to them. On a wider
// screen (or without JavaScript) the filters are always shown and the buttons are not.
const NARROW = window.matchMedia('(max-width: 40.0525em)')

export function initFilterPanel () {
  const toggle = document.querySelector('[data-filter-toggle]')
  const panel = document.querySelector('[data-filters-panel]')
  if (!toggle || !panel) return null
  const done = panel.querySelector('[data-filter-done]')
  let open = false

  function show (state) {
    open = state
    toggle.setAttribute('aria-expanded', String(open))
    panel.classList.toggle('app-filters__panel--open', open)
  }

  const api = {
    isOpen: () => open && NARROW.matches,
    open ({ focus = true } = {}) {
      show(true)
      if (focus) panel.querySelector('.app-filters__heading').focus()
    },
    close ({ focus = true } = {}) {
      show(false)
      if (focus) {
        const heading = document.getElementById('results-count')
        if (heading) { heading.focus(); heading.scrollIntoView({ block: 'start' }) } else { toggle.focus() }
      }
    }
  }
  panel.querySelector('.app-filters__heading').setAttribute('tabindex', '-1')
  toggle.addEventListener('click', () => (open ? api.close({ focus: false }) : api.open()))
  if (done) done.addEventListener('click', () => api.close())
  show(false)
  return api
}
