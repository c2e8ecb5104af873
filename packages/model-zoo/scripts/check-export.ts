// `npm run check-export -w @mgm/model-zoo -- <checkpoint folder> <reference.json> [dtype ...]`:
// compares an exported folder's graphs with the PyTorch outputs `export_mgm --reference` wrote.
import { checkExport, readExportReference } from '../src/export-check.ts';

const [dir, refFile, ...dtypes] = process.argv.slice(2);
if (!dir || !refFile) {
  console.error('usage: check-export <checkpoint folder> <reference.json> [fp32|q8|q4 ...]');
  process.exit(2);
}
const reference = await readExportReference(refFile);
let worst = 0;
for (const dtype of dtypes.length > 0 ? dtypes : ['fp32']) {
  const errors = await checkExport(dir, reference, dtype);
  worst = dtype === 'fp32' ? Math.max(worst, ...Object.values(errors)) : worst;
  console.log(JSON.stringify({ dtype, ...errors }));
}
// fp32 graphs must match PyTorch to float rounding; variants are reported, not judged.
process.exit(worst < 1e-3 ? 0 : 1);
