/**
 * The app's Vite config for the Playwright dev server: no file watching and no HMR, so that
 * an edit anywhere in the working tree does not reload a page in the middle of a test.
 */
import { defineConfig, mergeConfig } from 'vite';
import base from '../vite.config.ts';

export default mergeConfig(base, defineConfig({ server: { hmr: false, watch: null } }));
