// What the page does once a filter, sort or link has reloaded it: focus, the filters' state and
// the count read out. Kept in sessionStorage for the next page load only, never in the address.
const KEY = 'lgsearch:after-reload'
const STALE_AFTER_MS = 60000

export function rememberForReload (state) {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify({ ...state, at: Date.now() }))
  } catch (error) { /* storage off: the page still reloads with the new results */ }
}

function takeRemembered () {
  try {
    const saved = window.sessionStorage.getItem(KEY)
    window.sessionStorage.removeItem(KEY)
    const state = saved ? JSON.parse(saved) : null
    // A navigation that never arrived (stopped, or offline) must not move focus on a later page.
    return state && Date.now() - state.at < STALE_AFTER_MS ? state : null
  } catch (error) {
    return null
  }
}

export function afterReload (panel) {
  const state = takeRemembered()
  if (!state) return
  if (state.panelOpen && panel) panel.open({ focus: false })
  const target = state.focus && document.getElementById(state.focus)
  if (target) {
    if (target.id === 'results-count' && panel) panel.close({ focus: false })
    target.focus()
  }
  if (state.announce) announceCount()
}

// The live region starts empty: filled after the page has loaded, a screen reader reads it.
export function announceCount () {
  const region = document.getElementById('results-status')
  const heading = document.getElementById('results-count')
  if (!region || !heading) return
  region.textContent = ''
  window.setTimeout(() => { region.textContent = heading.textContent.trim() }, 150)
}
