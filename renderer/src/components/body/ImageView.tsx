// An image previewed from its bytes (a data: URL: an <img> never runs an SVG's scripts),
// with its type and size in pixels.
import { useState } from 'react';
import type { ImageType } from '../../../../shared/body';
import { groupDigits } from '../../../../shared/words';

export function ImageView({ base64, image }: { base64: string; image: ImageType }) {
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [failed, setFailed] = useState(false);
  return (
    <div className="image-view">
      <p className="summary" data-testid="image-size">
        {image.type.toUpperCase()}
        {natural ? `, ${groupDigits(natural.width)} × ${groupDigits(natural.height)} px` : ''}
        {failed ? ': the window could not draw it (a damaged or cut image)' : ''}
      </p>
      <div className="image-frame">
        <img data-testid="body-image" src={`data:${image.mime};base64,${base64}`} alt="The body as an image" onLoad={(event) => setNatural({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })} onError={() => setFailed(true)} />
      </div>
    </div>
  );
}
