// The library build (dist/, for installs outside the monorepo): see build/vite.ts.
import { libraryConfig } from '../../build/vite.ts';

export default libraryConfig(import.meta.dirname);
