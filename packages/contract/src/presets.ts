/** The project type presets the API knows; their commands and defaults live with the API (`projects/presets.ts`). */
export const PRESET_IDS = ['java-jar', 'java-war', 'static', 'vue', 'nodejs', 'python', 'golang', 'php', 'shell'] as const;
export type PresetId = (typeof PRESET_IDS)[number];
