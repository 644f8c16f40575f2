/** Names shared by the widget's parts and its Python side (ggbmagic/widget/model.py). */

/** Heartbeats on the loopback socket, as on the relay's. */
export const HEARTBEAT_MS_WIDGET = 10000;

/** The custom-message key of an OOB frame sent through the widget's comm. */
export const FRAME_KEY = 'ggbmagic_frame';

/** The client name in the widget's hello. */
export const WIDGET_CLIENT = 'ggbmagic-widget/0.1.0';

/** Longest gap between two `last_event` / `values` state updates while dragging. */
export const STATE_THROTTLE_MS = 150;
