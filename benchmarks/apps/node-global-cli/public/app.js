fetch('releases.json')
  .then((res) => res.json())
  .then((releases) => {
    const list = document.getElementById('releases');
    for (const r of releases) {
      const item = document.createElement('li');
      item.textContent = `${r.version} (${r.date}): ${r.notes}`;
      list.appendChild(item);
    }
  });
