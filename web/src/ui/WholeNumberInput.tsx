import type { NumberField } from "./number-field.js";

/** A number field that keeps the text as typed and is marked invalid (with the range) until it reads. */
export function WholeNumberInput(props: {
  readonly text: string;
  readonly onText: (text: string) => void;
  readonly read: NumberField;
  readonly min: number;
  readonly max: number;
  readonly step?: number;
  readonly testId: string;
}) {
  const { read } = props;
  return (
    <input
      type="number"
      min={props.min}
      max={props.max}
      step={props.step}
      value={props.text}
      onChange={(e) => props.onText(e.target.value)}
      className={read.ok ? "" : "invalid"}
      aria-invalid={!read.ok}
      title={read.ok ? "" : read.error}
      data-testid={props.testId}
    />
  );
}
