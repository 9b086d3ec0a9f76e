"""Reports that write themselves from the data: an organisation's "Treball en
xarxa" page, its annual report (memòria) in HTML, PDF and Markdown, the
networking indicators of the memòria and the social balance, and the same
report for a federation (docs/reports.md)."""
