/**
 * The part of an anywidget model the widget uses (anywidget 0.11's AFM interface), and
 * the widget's state as the Python side writes it (ggbmagic/widget/model.py). Pure.
 */
import type { AppletConfig } from '../loader';

export interface AnyModel {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  save_changes(): void;
  send(content: unknown, callbacks?: unknown, buffers?: unknown[]): void;
  on(event: string, callback: (...args: never[]) => void): void;
  off(event?: string | null, callback?: ((...args: never[]) => void) | null): void;
}

export const DEFAULT_CONFIG: AppletConfig = {
  deployggbUrl: 'https://www.geogebra.org/apps/deployggb.js',
  html5Codebase: '',
  appName: 'classic',
  width: 800,
  height: 480,
  showToolBar: false,
  showMenuBar: false,
  showAlgebraInput: false
};

function pick<T>(value: unknown, kind: 'string' | 'number' | 'boolean', fallback: T): T {
  return typeof value === kind ? (value as T) : fallback;
}

/** The applet's configuration from the `config` state; wrong kinds fall back. */
export function configFrom(raw: unknown, restore: unknown): AppletConfig {
  const c = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const d = DEFAULT_CONFIG;
  const config: AppletConfig = {
    deployggbUrl: pick(c.deployggbUrl, 'string', d.deployggbUrl) || d.deployggbUrl,
    html5Codebase: pick(c.html5Codebase, 'string', d.html5Codebase),
    appName: pick(c.appName, 'string', d.appName) || d.appName,
    width: Math.max(100, pick(c.width, 'number', d.width)),
    height: Math.max(100, pick(c.height, 'number', d.height)),
    showToolBar: pick(c.showToolBar, 'boolean', d.showToolBar),
    showMenuBar: pick(c.showMenuBar, 'boolean', d.showMenuBar),
    showAlgebraInput: pick(c.showAlgebraInput, 'boolean', d.showAlgebraInput)
  };
  if (typeof restore === 'string' && restore.length > 0) {
    config.ggbBase64 = restore;
  }
  return config;
}

/** The names in the `watch` state (strings only, at most 100). */
export function watchedNames(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.filter((n): n is string => typeof n === 'string').slice(0, 100) : [];
}
