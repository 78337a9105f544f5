// orval: types and one fetch function per operation from the committed document, calling src/orval/fetch.ts.
module.exports = {
  reportService: {
    input: { target: "../../openapi/report-service.v1.json" },
    output: {
      target: "src/generated/orval/report-service.ts",
      client: "fetch",
      mode: "single",
      prettier: false,
      // ".js" on the import of the mutator, for Node's ESM loader (tsconfig: NodeNext).
      override: { mutator: { path: "src/orval/fetch.ts", name: "orvalFetch", extension: ".js" } },
    },
  },
};
