import sharp from 'sharp';

/**
 * A deterministic photo-like test image: smooth colour gradients, a few hard-edged shapes, fine
 * texture and sensor-like noise, JPEG-encoded (quality 90) as a camera would.
 */
export async function photoLikeJpeg(width = 1000, height = 750, seed = 1): Promise<Uint8Array> {
  let state = seed >>> 0;
  const rand = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const data = new Uint8ClampedArray(width * height * 3);
  const blobs = Array.from({ length: 6 }, () => ({ x: rand() * width, y: rand() * height, r: 40 + rand() * 160, c: [rand() * 255, rand() * 255, rand() * 255] }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 90 + 80 * Math.sin(x / 97) * Math.cos(y / 131);
      let g = 110 + 60 * Math.sin((x + y) / 173);
      let b = 130 + 70 * Math.cos(x / 61 - y / 89);
      const tex = 18 * Math.sin(x / 2.3) * Math.sin(y / 3.1);
      for (const blob of blobs) {
        if ((x - blob.x) ** 2 + (y - blob.y) ** 2 < blob.r * blob.r) {
          r = blob.c[0] as number;
          g = blob.c[1] as number;
          b = blob.c[2] as number;
        }
      }
      const i = (y * width + x) * 3;
      data[i] = r + tex + (rand() - 0.5) * 16;
      data[i + 1] = g + tex + (rand() - 0.5) * 16;
      data[i + 2] = b + tex + (rand() - 0.5) * 16;
    }
  }
  const jpeg = await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}
