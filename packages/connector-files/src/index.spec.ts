import * as files from './index';

// What jobs import for files and sockets: every name the package exports must resolve (a re-export of
// a name its source no longer has compiles to undefined under isolated transpilation).
describe('@flott/connector-files exports', () => {
  it('exports no undefined name', () => {
    const undefinedNames = Object.entries(files).filter(([, value]) => value === undefined).map(([name]) => name);
    expect(undefinedNames).toEqual([]);
  });

  it('has the unified file source, the exactly-once file sink and their builders', () => {
    for (const name of ['FileSource', 'TextLineInputFormat', 'FileSink', 'DefaultRollingPolicy', 'OutputFileConfig', 'SocketTextSource']) {
      expect(typeof (files as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
