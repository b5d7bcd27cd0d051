// unbzip2-stream 1.4 ships no types: a function returning a through-stream (a Node duplex).
declare module 'unbzip2-stream' {
  export default function unbzip2Stream(): NodeJS.ReadWriteStream;
}
