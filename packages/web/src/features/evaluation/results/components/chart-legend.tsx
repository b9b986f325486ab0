import { modelColour, usePalette } from './chart-palette';

/**
 * A chart's legend as HTML: long model names wrap (Chart.js cuts them off on a phone), and the
 * base is marked by a dashed swatch and the word "base", not by its colour alone.
 */
export function ChartLegend({ items }: { items: { label: string; colourIndex: number; dashed?: boolean }[] }) {
  const palette = usePalette();
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-label="Legend">
      {items.map((item) => (
        <li key={item.label} className="flex min-w-0 items-center gap-2 wrap-anywhere">
          <span
            aria-hidden
            className="h-3 w-5 shrink-0 rounded-sm border-2"
            style={{
              borderColor: modelColour(palette, item.colourIndex),
              borderStyle: item.dashed ? 'dashed' : 'solid',
              backgroundColor: item.dashed ? 'transparent' : modelColour(palette, item.colourIndex),
            }}
          />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
