// A box above a long filter list that narrows it to the values containing what is typed, and
// says how many match (read out by screen readers). Ticked values always stay in the list.
export function initFacetSearch () {
  for (const input of document.querySelectorAll('input[data-facet-search]')) {
    const list = document.getElementById(input.dataset.facetSearch)
    const status = document.getElementById(input.getAttribute('aria-describedby'))
    if (!list || !status) continue
    const items = [...list.querySelectorAll('[data-facet-option]')].map((item) => ({
      item,
      box: item.querySelector('input'),
      text: normalise(item.querySelector('label').textContent.replace(/\(\d[\d,]*.*\)\s*$/s, ''))
    }))
    const plural = input.dataset.plural
    let timer = null
    const update = () => {
      const wanted = normalise(input.value)
      let shown = 0
      for (const { item, box, text } of items) {
        const match = !wanted || box.checked || text.includes(wanted)
        item.classList.toggle('app-facet__option--unmatched', !match)
        if (match) shown += 1
      }
      window.clearTimeout(timer)
      // Said once typing pauses, so a screen reader is not interrupted at every letter.
      timer = window.setTimeout(() => {
        status.textContent = wanted
          ? `${shown} of ${items.length} ${plural} ${shown === 1 ? 'matches' : 'match'}`
          : ''
      }, 300)
    }
    input.addEventListener('input', update)
    // Enter in the box narrows the list; it must not submit the search.
    input.addEventListener('keydown', (event) => { if (event.key === 'Enter') event.preventDefault() })
  }
}

function normalise (text) {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, ' ').trim()
}
