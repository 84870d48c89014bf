import yauzl from 'yauzl';

/** Opens a zip with yauzl and visits its entries one at a time (lazy, so none is missed). */
export async function forEachZipEntry(
  zipPath: string,
  visit: (entry: yauzl.Entry, open: () => Promise<AsyncIterable<Buffer>>) => Promise<void>,
): Promise<void> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true });
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => settle(() => resolve(e));
        const onEnd = () => settle(() => resolve(null));
        const onError = (err: Error) => settle(() => reject(err));
        function settle(then: () => void): void {
          zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
          then();
        }
        zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
        zip.readEntry();
      });
      if (!entry) return;
      await visit(entry, async () => (await zip.openReadStreamPromise(entry)) as AsyncIterable<Buffer>);
    }
  } finally {
    zip.close();
  }
}
