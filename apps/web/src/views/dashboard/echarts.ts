/**
 * The only module that loads echarts, and only the pieces the dashboard draws: the full build would add ~350 KB
 * gzip. Charts import it dynamically, so it arrives with the dashboard and never in the initial bundle; `use`
 * runs once, when the module is first evaluated.
 */
import { init, use, type ComposeOption } from 'echarts/core';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export { init };
