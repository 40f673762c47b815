// Prints the reference numbers of tests/core/test_tfpg_*.py, computed by TensorFlow Playground's own code.
//
// Usage: TFPG_BUILD=/path/to/compiled node make_fixtures.js > links.json
// TFPG_BUILD is a folder holding the page's src/state.ts, dataset.ts and nn.ts compiled to CommonJS
// (state.js, dataset.js, nn.js), with the page's npm dependencies (seedrandom 2.4.x, d3 3.5.x)
// resolvable from it. The steps below repeat the page's generateData(true) and reset(true) from
// src/playground.ts (which needs a browser): seed, generate, shuffle, split, build the network, and
// its oneStep() for the losses.
"use strict";
const path = require("path");
const build = process.env.TFPG_BUILD;
if (!build) {
  console.error("set TFPG_BUILD to the folder of the compiled state.js, dataset.js and nn.js");
  process.exit(2);
}
require(require.resolve("seedrandom", {paths: [build]}));  // installs Math.seedrandom
global.window = {location: {hash: ""}};
const stateMod = require(path.join(build, "state.js"));
const dataset = require(path.join(build, "dataset.js"));
const nn = require(path.join(build, "nn.js"));

const EPOCHS = 100;
const LINKS = [
  "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.12345&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false",
  "activation=tanh&batchSize=7&dataset=xor&learningRate=0.1&regularization=L1&regularizationRate=0.001&noise=25&networkShape=3&seed=0.98765&percTrainData=70&x=true&y=true&xTimesY=true&problem=classification",
  "activation=linear&batchSize=10&dataset=gauss&learningRate=0.01&regularization=L2&regularizationRate=0.01&noise=50&networkShape=&seed=0.5&percTrainData=30&x=true&y=true&problem=classification&showTestData=true",
  "activation=relu&batchSize=5&dataset=spiral&learningRate=0.03&noise=10&networkShape=8,8,5&seed=0.77777&percTrainData=50&x=true&y=true&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true&x_hide=true&problem=classification&discretize=true",
  "activation=sigmoid&batchSize=20&regDataset=reg-plane&dataset=circle&learningRate=0.03&noise=20&networkShape=2&seed=0.31416&percTrainData=60&x=true&y=true&problem=regression",
  "activation=tanh&batchSize=30&regDataset=reg-gauss&learningRate=0.01&noise=5&networkShape=6,3&seed=0.27183&percTrainData=80&x=true&y=true&xSquared=true&problem=regression",
  "activation=tanh&batchSize=1&dataset=circle&learningRate=0.003&noise=35&networkShape=4&seed=0.00001&percTrainData=40&x=false&y=false&xSquared=true&ySquared=true&initZero=true&problem=classification",
  "activation=tanh&batchSize=10&dataset=xor&learningRate=0.03&noise=0&networkShape=1,1,1,1,1,1&seed=hello&percTrainData=90&x=true&y=true&cosX=true&cosY=true&sinY=true&sinY_hide=true&tutorial=dp-neurons&hideText=true&collectStats=true&foo=bar&problem=classification",
  "activation=relu&batchSize=25&regDataset=reg-gauss&learningRate=0.1&regularization=L1&regularizationRate=0.003&noise=0&networkShape=5&seed=0.4242&percTrainData=10&x=true&y=true&problem=regression",
  "activation=tanh&batchSize=15&dataset=spiral&learningRate=0.03&noise=0&networkShape=4,2&seed=0.6&percTrainData=20&x=true&y=true&sinX=true&sinY=true&problem=classification",
  // The page's two quirks together: 250 training rows in batches of 13 (3 carried), and an L1 rate that kills links.
  "activation=tanh&batchSize=13&dataset=circle&learningRate=0.1&regularization=L1&regularizationRate=0.03&noise=15&networkShape=4,3&seed=0.2468&percTrainData=50&x=true&y=true&xSquared=true&ySquared=true&problem=classification",
  "activation=tanh&batchSize=7&regDataset=reg-plane&learningRate=0.01&regularization=L2&regularizationRate=0.003&noise=10&networkShape=3&seed=0.1357&percTrainData=50&x=true&y=true&problem=regression",
  // Noise above the slider's 50: the page takes up to 80 from a link.
  "activation=tanh&batchSize=10&dataset=gauss&learningRate=0.03&noise=80&networkShape=2&seed=0.8&percTrainData=50&x=true&y=true&problem=classification",
];

// The page's INPUTS table, in its order (src/playground.ts).
function inputTable() {
  return {
    x: (x, y) => x,
    y: (x, y) => y,
    xSquared: (x, y) => x * x,
    ySquared: (x, y) => y * y,
    xTimesY: (x, y) => x * y,
    sinX: (x, y) => Math.sin(x),
    sinY: (x, y) => Math.sin(y),
  };
}

function fixture(hash) {
  window.location.hash = "#" + hash;
  const state = stateMod.State.deserializeState();
  const inputs = inputTable();
  state.getHiddenProps().forEach(prop => { if (prop in inputs) { delete inputs[prop]; } });
  const inputIds = Object.keys(inputs).filter(name => state[name]);
  const constructInput = (x, y) => inputIds.map(name => inputs[name](x, y));

  // generateData(true)
  Math.seedrandom(state.seed);
  const regression = state.problem === stateMod.Problem.REGRESSION;
  const numSamples = regression ? 1200 : 500;
  const generator = regression ? state.regDataset : state.dataset;
  const data = generator(numSamples, state.noise / 100);
  dataset.shuffle(data);
  const splitIndex = Math.floor(data.length * state.percTrainData / 100);
  const trainData = data.slice(0, splitIndex);
  const testData = data.slice(splitIndex);

  // reset(true)
  const shape = [inputIds.length].concat(state.networkShape).concat([1]);
  const outputActivation = regression ? nn.Activations.LINEAR : nn.Activations.TANH;
  const build = () => nn.buildNetwork(shape, state.activation, outputActivation,
      state.regularization, inputIds, state.initZero);
  const weightsOf = net => {
    const weights = {};
    for (let l = 1; l < net.length; l++) {
      weights[`layers.${l - 1}.weight`] = net[l].map(node => node.inputLinks.map(link => link.weight));
      weights[`layers.${l - 1}.bias`] = net[l].map(node => node.bias);
    }
    return weights;
  };
  const network = build();
  const weights = weightsOf(network);
  const getLoss = points => {
    let loss = 0;
    points.forEach(p => {
      loss += nn.Errors.SQUARE.error(nn.forwardProp(network, constructInput(p.x, p.y)), p.label);
    });
    return loss / points.length;
  };
  const losses = {train: [getLoss(trainData)], test: [getLoss(testData)]};
  for (let epoch = 0; epoch < EPOCHS; epoch++) {  // oneStep()
    trainData.forEach((point, i) => {
      nn.forwardProp(network, constructInput(point.x, point.y));
      nn.backProp(network, point.label, nn.Errors.SQUARE);
      if ((i + 1) % state.batchSize === 0) {
        nn.updateWeights(network, state.learningRate, state.regularizationRate);
      }
    });
    losses.train.push(getLoss(trainData));
    losses.test.push(getLoss(testData));
  }
  // Two presses of the page's Reset button: reset() builds a new network from the same stream
  // (training draws no random numbers).
  const resets = [build(), build()].map(weightsOf);
  // The link the page writes back for this state (state.serialize()).
  state.serialize();
  return {
    link: hash,
    page_link: window.location.hash,
    seed: state.seed,
    inputs: inputIds,
    points: data.map(p => [p.x, p.y]),
    labels: data.map(p => p.label),
    split_index: splitIndex,
    weights,
    resets,
    losses,
  };
}

// seedrandom's own numbers for a few seeds (a long one wraps its 256-byte key; one is not ASCII).
const SEEDS = ["0.12345", "0.00001", "hello", "", "h\u00e9llo \u2603", "0.".repeat(200) + "7"];
function randoms(seed) {
  Math.seedrandom(seed);
  return Array.from({length: 50}, () => Math.random());
}

// The browser's Math.sin, cos and log at arguments like the page's (angles up to about 15, s in (0, 1]).
function mathSamples() {
  Math.seedrandom("math");
  const xs = Array.from({length: 400}, (_, i) => (i % 2 ? -1 : 1) * Math.random() * (i < 200 ? 16 : 1e5));
  xs.push(Math.PI / 2, -Math.PI / 2, Math.PI / 4, 3 * Math.PI / 4, 1e-9, 0);
  const ls = Array.from({length: 400}, (_, i) => Math.random() * Math.pow(10, -(i % 12)));
  ls.push(1, 2, 0.5, 1 + 1e-7, 5e-324);
  return {x: xs, sin: xs.map(Math.sin), cos: xs.map(Math.cos), log_x: ls, log: ls.map(Math.log)};
}

const out = LINKS.map(fixture);
const random = {};
SEEDS.forEach(seed => { random[seed] = randoms(seed); });
console.log(JSON.stringify({epochs: EPOCHS, random, math: mathSamples(), links: out}));
