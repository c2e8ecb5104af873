// Writes manifest-templates.json (one mgm.json template per zoo checkpoint) for tools/export-mgm,
// which is Python and reads the templates from that file. A test keeps the file in step with src/.
import { writeFileSync } from 'node:fs';
import { MANIFEST_TEMPLATES_FILE, manifestTemplatesJson } from '../src/manifest-templates-file.ts';

writeFileSync(MANIFEST_TEMPLATES_FILE, manifestTemplatesJson());
console.log(`wrote ${MANIFEST_TEMPLATES_FILE}`);
