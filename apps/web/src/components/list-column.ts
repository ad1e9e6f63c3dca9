import type { Component } from 'vue';

/** A link button of a row's actions cell. */
export interface RowAction {
  label: string;
  testId: string;
  onClick: () => void;
  type?: 'primary' | 'success' | 'warning' | 'danger';
  icon?: Component;
  disabled?: boolean;
  loading?: boolean;
  /** Left out where it does not apply (the user may not, or the row cannot). */
  show?: boolean;
}

/** A tag in a cell: a kind, a state or a role, coloured by what it means. */
export interface CellTag {
  label: string;
  type?: 'primary' | 'success' | 'info' | 'warning' | 'danger';
  plain?: boolean;
  small?: boolean;
}

/** A column of a ListPage table. */
export interface ListColumn<T> {
  /**
   * Names the cell's slot in the page's template (`<template #name="{ row }">`); without such a slot the cell shows
   * `text(row)`, or the row's field of this name.
   */
  key: string;
  /** The header's i18n key. */
  label?: string;
  width?: number;
  minWidth?: number;
  align?: 'center' | 'right';
  fixed?: 'right';
  /** Long content is cut short, and shown whole in a tooltip. */
  tooltip?: boolean;
  /** The row unfolds into the cell's slot: details that do not fit a column. */
  expand?: boolean;
  text?: (row: T) => string;
  /** A tag instead of text; where it gives none, the cell falls back to text. */
  tag?: (row: T) => CellTag | null;
  /** An actions cell: link buttons for what can be done with the row. */
  actions?: (row: T) => RowAction[];
  /** What an actions cell shows when none of its actions applies. */
  none?: string;
}

export const shownActions = <T>(column: ListColumn<T>, row: T): RowAction[] => column.actions?.(row).filter((a) => a.show !== false) ?? [];

export function cellText<T extends object>(column: ListColumn<T>, row: T): string {
  if (column.text) return column.text(row);
  const value = (row as Record<string, unknown>)[column.key];
  return value === null || value === undefined ? '' : String(value);
}
