import { ProgramArgumentsError } from './api-errors';
import { ParameterTool } from './parameter-tool';

describe('ParameterTool', () => {
  const params = ParameterTool.fromArgs(['--input', 'in.txt', '-p', '4', '--verbose', '--offset', '-5', '--ratio', '0.5']);

  it('parses --key value, -key value, flags without value and negative numbers as values', () => {
    expect(params.toMap()).toEqual({ input: 'in.txt', p: '4', verbose: ParameterTool.NO_VALUE_KEY, offset: '-5', ratio: '0.5' });
    expect(params.getNumberOfParameters()).toBe(5);
  });

  it('get / getInt / getNumber / getBoolean with defaults', () => {
    expect(params.get('input')).toBe('in.txt');
    expect(params.get('output')).toBeUndefined();
    expect(params.get('output', 'out.txt')).toBe('out.txt');
    expect(params.getInt('p')).toBe(4);
    expect(params.getInt('offset', 0)).toBe(-5);
    expect(params.getInt('missing', 7)).toBe(7);
    expect(params.getNumber('ratio', 1)).toBe(0.5);
    expect(params.getBoolean('verbose', false)).toBe(true);
    expect(params.getBoolean('quiet', false)).toBe(false);
  });

  it('has / getRequired', () => {
    expect([params.has('verbose'), params.has('quiet')]).toEqual([true, false]);
    expect(params.getRequired('input')).toBe('in.txt');
    expect(() => params.getRequired('output')).toThrow(new ProgramArgumentsError("No data for required key 'output'"));
    expect(params.getRequiredInt('p')).toBe(4);
  });

  it('rejects malformed values and arguments', () => {
    expect(() => params.getInt('input')).toThrow("Value 'in.txt' of key 'input' is not an integer");
    expect(() => params.getInt('ratio')).toThrow(ProgramArgumentsError);
    expect(() => ParameterTool.fromArgs(['input', 'x'])).toThrow("Error parsing arguments 'input x' on 'input'. Please prefix keys with -- or -.");
    expect(() => ParameterTool.fromArgs(['--a', 'b', 'c'])).toThrow("on 'c'");
    expect(() => ParameterTool.fromArgs(['--'])).toThrow(ProgramArgumentsError);
  });

  it('fromMap', () => {
    expect(ParameterTool.fromMap({ a: '1' }).getInt('a')).toBe(1);
  });
});
