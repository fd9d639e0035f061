"""Plausible wrong answers for source/mnist_cnn: each must make its test cell fail."""

# An object whose comparisons always succeed, in the shape of each kind of answer.
_ALWAYS_EQUAL = (
    "    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = lambda self, other: True\n"
)

MUTANTS = [
    # Exercise 1: a filter for horizontal lines
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "kind": "formula",
        "why": "the Laplacian itself: negative on every line, whatever its direction",
        "source": "line_filter = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32)\n",
    },
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "kind": "spec",
        "why": "detects vertical lines (rows and columns swapped)",
        "source": "line_filter = np.array([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]], dtype=np.float32)\n",
    },
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "kind": "edge-case",
        "why": "a horizontal edge detector (Sobel): zero on flat regions, but silent on the line itself",
        "source": "line_filter = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32)\n",
    },
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "kind": "property",
        "why": "a horizontal blur: strongest on the line, but its weights do not add up to 0",
        "source": "line_filter = np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0]], dtype=np.float32) / 3\n",
    },
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "kind": "formula",
        "why": "the sign flipped: dark lines on a bright background",
        "source": "line_filter = np.array([[1, 1, 1], [-2, -2, -2], [1, 1, 1]], dtype=np.float32)\n",
    },
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "kind": "type",
        "why": "a 3x1 column instead of a 3x3 filter",
        "source": "line_filter = np.array([[-1], [2], [-1]], dtype=np.float32)\n",
    },
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "kind": "fooling",
        "why": "an all-zero array subclass whose comparisons always succeed",
        "source": "class _Agreeable(np.ndarray):\n" + _ALWAYS_EQUAL + "\n\nline_filter = np.zeros((3, 3)).view(_Agreeable)\n",
    },
    # Exercise 2: the cross-entropy from logits
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "kind": "edge-case",
        "why": "exponentiates the raw logits: np.exp(1000) overflows to inf",
        "source": "def cross_entropy(logits, target):\n"
        "    target = np.asarray(target)\n"
        "    true_class = int(target.argmax()) if target.ndim == 1 else int(target)\n"
        "    probabilities = np.exp(logits) / np.exp(logits).sum()\n"
        "    return float(-np.log(probabilities[true_class]))\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "kind": "edge-case",
        "why": "clips the probability at 1e-7 as Keras does for probabilities, so large losses stop at 16.1",
        "source": "def cross_entropy(logits, target):\n"
        "    logits = np.asarray(logits, dtype=np.float64)\n"
        "    target = np.asarray(target)\n"
        "    true_class = int(target.argmax()) if target.ndim == 1 else int(target)\n"
        "    shifted = np.exp(logits - logits.max())\n"
        "    return float(-np.log(np.clip(shifted[true_class] / shifted.sum(), 1e-7, 1.0)))\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "kind": "formula",
        "why": "forgets the log of the sum: returns minus the true class's logit",
        "source": "def cross_entropy(logits, target):\n"
        "    target = np.asarray(target)\n"
        "    true_class = int(target.argmax()) if target.ndim == 1 else int(target)\n"
        "    return float(-np.asarray(logits, dtype=np.float64)[true_class])\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "kind": "spec",
        "why": "handles integer targets only: a one-hot vector is used as an index",
        "source": "def cross_entropy(logits, target):\n"
        "    logits = np.asarray(logits, dtype=np.float64)\n"
        "    shifted = logits - logits.max()\n"
        "    return float(np.log(np.exp(shifted).sum()) - shifted[target])\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "kind": "property",
        "why": "subtracts the maximum in place, changing the caller's logits",
        "source": "def cross_entropy(logits, target):\n"
        "    target = np.asarray(target)\n"
        "    true_class = int(target.argmax()) if target.ndim == 1 else int(target)\n"
        "    logits -= logits.max()\n"
        "    return float(np.log(np.exp(logits).sum()) - logits[true_class])\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "kind": "type",
        "why": "returns TensorFlow's loss as a tensor, not a float",
        "source": "def cross_entropy(logits, target):\n"
        "    target = np.asarray(target)\n"
        "    true_class = int(target.argmax()) if target.ndim == 1 else int(target)\n"
        "    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=true_class, logits=np.asarray(logits, dtype=np.float64))\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "kind": "tolerance",
        "why": "computes in float16: stable, but about three digits off",
        "source": "def cross_entropy(logits, target):\n"
        "    logits = np.asarray(logits, dtype=np.float16)\n"
        "    target = np.asarray(target)\n"
        "    true_class = int(target.argmax()) if target.ndim == 1 else int(target)\n"
        "    shifted = logits - logits.max()\n"
        "    return float(np.log(np.exp(shifted).sum()) - shifted[true_class])\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "kind": "fooling",
        "why": "a float subclass equal to everything",
        "source": "class _Agreeable(float):\n" + _ALWAYS_EQUAL + "    __hash__ = float.__hash__\n\n\n"
        "def cross_entropy(logits, target):\n"
        "    return _Agreeable(0.0)\n",
    },
    # Exercise 3: the output shape and parameters of any convolution
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "kind": "edge-case",
        "why": "rounds to the nearest integer instead of down when the stride does not divide",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    pad = (kernel_size - 1) // 2 if padding == 'same' else 0\n"
        "    sides = [round((side - kernel_size + 2 * pad) / stride) + 1 for side in (height, width)]\n"
        "    return (sides[0], sides[1], filters), filters * (kernel_size * kernel_size * channels + 1)\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "kind": "edge-case",
        "why": "'same' taken as I // S, which is one short when the stride does not divide",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    if padding == 'same':\n"
        "        sides = [side // stride for side in (height, width)]\n"
        "    else:\n"
        "        sides = [(side - kernel_size) // stride + 1 for side in (height, width)]\n"
        "    return (sides[0], sides[1], filters), filters * (kernel_size * kernel_size * channels + 1)\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "kind": "type",
        "why": "true division: the sizes come out as floats",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    pad = (kernel_size - 1) // 2 if padding == 'same' else 0\n"
        "    sides = [(side - kernel_size + 2 * pad) / stride + 1 for side in (height, width)]\n"
        "    return (sides[0], sides[1], filters), filters * (kernel_size * kernel_size * channels + 1)\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "kind": "type",
        "why": "NumPy floor: the sizes are numpy.int64, not Python ints",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    pad = (kernel_size - 1) // 2 if padding == 'same' else 0\n"
        "    sides = np.floor((np.array([height, width]) - kernel_size + 2 * pad) / stride).astype(np.int64) + 1\n"
        "    return (sides[0], sides[1], filters), filters * (kernel_size * kernel_size * channels + 1)\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "kind": "formula",
        "why": "forgets the input channels in the parameter count",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    pad = (kernel_size - 1) // 2 if padding == 'same' else 0\n"
        "    sides = [(side - kernel_size + 2 * pad) // stride + 1 for side in (height, width)]\n"
        "    return (sides[0], sides[1], filters), filters * (kernel_size * kernel_size + 1)\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "kind": "spec",
        "why": "'same' always pads one pixel, right only for 3x3 kernels",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    pad = 1 if padding == 'same' else 0\n"
        "    sides = [(side - kernel_size + 2 * pad) // stride + 1 for side in (height, width)]\n"
        "    return (sides[0], sides[1], filters), filters * (kernel_size * kernel_size * channels + 1)\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "kind": "spec",
        "why": "uses the height for both sides of a non-square input",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    pad = (kernel_size - 1) // 2 if padding == 'same' else 0\n"
        "    side = (height - kernel_size + 2 * pad) // stride + 1\n"
        "    return (side, side, filters), filters * (kernel_size * kernel_size * channels + 1)\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "kind": "fooling",
        "why": "Python int subclasses equal to everything",
        "source": "class _Agreeable(int):\n" + _ALWAYS_EQUAL + "    __hash__ = int.__hash__\n\n\n"
        "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    return (_Agreeable(0), _Agreeable(0), _Agreeable(0)), _Agreeable(0)\n",
    },
    # Exercise 4: the receptive field of a stack
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "formula",
        "why": "forgets the strides: adds kernel_size - 1 per layer",
        "source": "def receptive_field(stack):\n"
        "    return 1 + sum(kernel_size - 1 for kernel_size, _ in stack)\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "formula",
        "why": "adds up the kernel sizes (right for the MNIST model by coincidence)",
        "source": "def receptive_field(stack):\n"
        "    return sum(kernel_size for kernel_size, _ in stack)\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "edge-case",
        "why": "applies a layer's own stride before adding its kernel",
        "source": "def receptive_field(stack):\n"
        "    size, spacing = 1, 1\n"
        "    for kernel_size, stride in stack:\n"
        "        spacing *= stride\n"
        "        size += (kernel_size - 1) * spacing\n"
        "    return size\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "type",
        "why": "NumPy cumulative products: returns numpy.int64",
        "source": "def receptive_field(stack):\n"
        "    kernels = np.array([k for k, _ in stack] + [1])\n"
        "    spacings = np.cumprod([1] + [s for _, s in stack])\n"
        "    return 1 + np.sum((kernels - 1) * spacings)\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "fooling",
        "why": "an int subclass equal to everything",
        "source": "class _Agreeable(int):\n" + _ALWAYS_EQUAL + "    __hash__ = int.__hash__\n\n\n"
        "def receptive_field(stack):\n"
        "    return _Agreeable(1)\n",
    },
    # Exercise 5: diagnose four training runs
    {
        "answer": "training-curves-answer",
        "tests": ["training-curves-tests"],
        "kind": "formula",
        "why": "takes the still-falling run D for over-fitting and B for under-fitting",
        "source": "diagnosis = {'A': 'learning rate too high', 'B': 'under-fitting', 'C': 'good fit', 'D': 'over-fitting'}\n"
        "stop_epoch = 4\n",
    },
    {
        "answer": "training-curves-answer",
        "tests": ["training-curves-tests"],
        "kind": "formula",
        "why": "takes the stuck run A for under-fitting and D for a learning rate too high",
        "source": "diagnosis = {'A': 'under-fitting', 'B': 'over-fitting', 'C': 'good fit', 'D': 'learning rate too high'}\n"
        "stop_epoch = 4\n",
    },
    {
        "answer": "training-curves-answer",
        "tests": ["training-curves-tests"],
        "kind": "edge-case",
        "why": "counts epochs from 0 (the index of the lowest validation loss)",
        "source": "diagnosis = {'A': 'learning rate too high', 'B': 'over-fitting', 'C': 'good fit', 'D': 'under-fitting'}\n"
        "stop_epoch = int(np.argmin(runs['B']['val_loss']))\n",
    },
    {
        "answer": "training-curves-answer",
        "tests": ["training-curves-tests"],
        "kind": "type",
        "why": "stop_epoch left as numpy.int64",
        "source": "diagnosis = {'A': 'learning rate too high', 'B': 'over-fitting', 'C': 'good fit', 'D': 'under-fitting'}\n"
        "stop_epoch = np.argmin(runs['B']['val_loss']) + 1\n",
    },
    {
        "answer": "training-curves-answer",
        "tests": ["training-curves-tests"],
        "kind": "spec",
        "why": "its own words instead of the four given ones",
        "source": "diagnosis = {'A': 'diverging', 'B': 'overfitting', 'C': 'fine', 'D': 'underfitting'}\n"
        "stop_epoch = 4\n",
    },
    {
        "answer": "training-curves-answer",
        "tests": ["training-curves-tests"],
        "kind": "fooling",
        "why": "str subclasses equal to every diagnosis",
        "source": "class _Agreeable(str):\n" + _ALWAYS_EQUAL + "    __hash__ = str.__hash__\n\n\n"
        "diagnosis = {run: _Agreeable(label) for run, label in zip('ABCD', ['good fit', 'over-fitting', 'under-fitting', 'learning rate too high'])}\n"
        "stop_epoch = 4\n",
    },
    # Exercise 7: a picture with a transparent background
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "spec",
        "why": "drops the alpha channel, so transparent (black underneath) paper becomes ink",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.float64)[..., :3]\n"
        "    ink = (255.0 - pixels @ np.array([0.299, 0.587, 0.114])) / 255.0\n"
        "    small = tf.image.resize(ink[..., np.newaxis], (28, 28), method='area').numpy()\n"
        "    return np.clip(small, 0.0, 1.0).astype(np.float32)[np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "formula",
        "why": "the plain mean of R, G and B instead of the luminance weights",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.float64)\n"
        "    if pixels.shape[-1] == 4:\n"
        "        alpha = pixels[..., 3:] / 255.0\n"
        "        pixels = alpha * pixels[..., :3] + (1.0 - alpha) * 255.0\n"
        "    ink = (255.0 - pixels.mean(axis=-1)) / 255.0\n"
        "    small = tf.image.resize(ink[..., np.newaxis], (28, 28), method='area').numpy()\n"
        "    return np.clip(small, 0.0, 1.0).astype(np.float32)[np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "formula",
        "why": "forgets to invert: the paper becomes white (1) and the ink black",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.float64)\n"
        "    if pixels.shape[-1] == 4:\n"
        "        alpha = pixels[..., 3:] / 255.0\n"
        "        pixels = alpha * pixels[..., :3] + (1.0 - alpha) * 255.0\n"
        "    gray = (pixels @ np.array([0.299, 0.587, 0.114])) / 255.0\n"
        "    small = tf.image.resize(gray[..., np.newaxis], (28, 28), method='area').numpy()\n"
        "    return np.clip(small, 0.0, 1.0).astype(np.float32)[np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "formula",
        "why": "scales by the brightest ink instead of by 255",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.float64)\n"
        "    if pixels.shape[-1] == 4:\n"
        "        alpha = pixels[..., 3:] / 255.0\n"
        "        pixels = alpha * pixels[..., :3] + (1.0 - alpha) * 255.0\n"
        "    ink = 255.0 - pixels @ np.array([0.299, 0.587, 0.114])\n"
        "    ink = ink / ink.max() if ink.max() > 0 else ink\n"
        "    small = tf.image.resize(ink[..., np.newaxis], (28, 28), method='area').numpy()\n"
        "    return np.clip(small, 0.0, 1.0).astype(np.float32)[np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "tolerance",
        "why": "divides by 256: every value a little too small",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.float64)\n"
        "    if pixels.shape[-1] == 4:\n"
        "        alpha = pixels[..., 3:] / 255.0\n"
        "        pixels = alpha * pixels[..., :3] + (1.0 - alpha) * 255.0\n"
        "    ink = (255.0 - pixels @ np.array([0.299, 0.587, 0.114])) / 256.0\n"
        "    small = tf.image.resize(ink[..., np.newaxis], (28, 28), method='area').numpy()\n"
        "    return np.clip(small, 0.0, 1.0).astype(np.float32)[np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "type",
        "why": "returns float64",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.float64)\n"
        "    if pixels.shape[-1] == 4:\n"
        "        alpha = pixels[..., 3:] / 255.0\n"
        "        pixels = alpha * pixels[..., :3] + (1.0 - alpha) * 255.0\n"
        "    ink = (255.0 - pixels @ np.array([0.299, 0.587, 0.114])) / 255.0\n"
        "    small = tf.image.resize(ink[..., np.newaxis], (28, 28), method='area').numpy()\n"
        "    return np.clip(small, 0.0, 1.0).astype(np.float64)[np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "property",
        "why": "composites the transparency into the caller's array",
        "source": "def drawing_to_batch(picture):\n"
        "    if picture.shape[-1] == 4:\n"
        "        alpha = picture[..., 3:] / 255.0\n"
        "        picture[..., :3] = (alpha * picture[..., :3] + (1.0 - alpha) * 255.0).round().astype(np.uint8)\n"
        "        picture[..., 3] = 255\n"
        "    ink = (255.0 - picture[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])) / 255.0\n"
        "    small = tf.image.resize(ink[..., np.newaxis], (28, 28), method='area').numpy()\n"
        "    return np.clip(small, 0.0, 1.0).astype(np.float32)[np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "edge-case",
        "why": "mnist_style after compositing, with no guard: a picture with no ink crashes",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.float64)\n"
        "    if pixels.shape[-1] == 4:\n"
        "        alpha = pixels[..., 3:] / 255.0\n"
        "        pixels = alpha * pixels[..., :3] + (1.0 - alpha) * 255.0\n"
        "    return mnist_style(Image.fromarray(pixels.round().astype(np.uint8)))[np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "kind": "fooling",
        "why": "an all-zero array subclass whose comparisons always succeed",
        "source": "class _Agreeable(np.ndarray):\n" + _ALWAYS_EQUAL + "\n\n"
        "def drawing_to_batch(picture):\n"
        "    return np.zeros((1, 28, 28, 1), dtype=np.float32).view(_Agreeable)\n",
    },
]
