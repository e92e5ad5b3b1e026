declare module 'mnist' {
  interface MnistDigit {
    id: number;
    raw: number[];
    length: number;
  }
  const mnist: Record<number, MnistDigit>;
  export default mnist;
}
