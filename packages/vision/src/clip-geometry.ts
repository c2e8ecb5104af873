/**
 * CLIPImageProcessor's geometry (transformers `get_resize_output_image_size` with
 * default_to_square=False, then `center_crop`): the shortest edge becomes `size`, the long edge
 * `int(size * long / short)`, and the centre `size x size` is kept, offsets floored.
 */
export interface ClipGeometry {
  resizeWidth: number;
  resizeHeight: number;
  crop: { left: number; top: number; width: number; height: number };
}

export function clipGeometry(width: number, height: number, size: number): ClipGeometry {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = Math.trunc((size * long) / short);
  const resizeWidth = width <= height ? size : newLong;
  const resizeHeight = width <= height ? newLong : size;
  return {
    resizeWidth,
    resizeHeight,
    crop: { left: Math.floor((resizeWidth - size) / 2), top: Math.floor((resizeHeight - size) / 2), width: size, height: size },
  };
}
