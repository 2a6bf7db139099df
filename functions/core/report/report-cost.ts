import type { CostEstimate, Summary } from '../../contracts';
import { escapeHtml as esc } from './report-format';

/** Dollars with the digits a small amount needs. */
export const usd = (n: number) => `$${n.toFixed(n >= 1 ? 2 : n >= 0.01 ? 4 : 6)}`;
const qty = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(3));

/** The estimate as rows: item, quantity × unit price = cost. */
export function costTable(cost: CostEstimate): string {
  const rows = cost.items
    .map(
      (i) =>
        `<tr><td>${esc(i.item)}</td><td class="num">${esc(qty(i.quantity))} ${esc(i.unit)}</td><td class="num">${esc(usd(i.unitPrice))}</td><td class="num">${esc(usd(i.costUsd))}</td></tr>`,
    )
    .join('');
  return `<table class="cost"><thead><tr><th>item</th><th>used</th><th>unit price</th><th>cost</th></tr></thead><tbody>${rows}<tr><th>total</th><td></td><td></td><th class="num" id="cost-total">${esc(usd(cost.totalUsd))}</th></tr></tbody></table>`;
}

/** "Estimated AWS cost" section; omitted when the summary has none. */
export function costSection(summary: Summary): string {
  const cost = summary.fleet.cost;
  if (!cost) return '';
  const notes = cost.assumptions.map((a) => `<li>${esc(a)}</li>`).join('');
  return `<section><h2>Estimated AWS cost</h2>${costTable(cost)}<p class="muted">List prices of ${esc(cost.priceRegion)} as of ${esc(cost.pricesAsOf)}, USD.</p>${notes ? `<ul class="muted">${notes}</ul>` : ''}</section>`;
}
