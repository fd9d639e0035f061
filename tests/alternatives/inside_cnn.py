"""Correct answers for source/inside_cnn written in other styles than the reference: each must pass its test cells."""

ALTERNATIVES = [
    # output-shapes
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "style": "math.ceil and math.floor on true division, a dispatch table of small functions",
        "why": "floats from division converted back by math's rounding functions, which return Python ints",
        "source": "import math\n"
                  "def output_shapes(input_shape, specs):\n"
                  "    def size(n, window, stride, padding):\n"
                  "        return math.ceil(n / stride) if padding == 'same' else math.floor((n - window) / stride) + 1\n"
                  "    rules = {\n"
                  "        'conv': lambda s, f, k, st, p: (size(s[0], k, st, p), size(s[1], k, st, p), f),\n"
                  "        'pool': lambda s, k, p: (size(s[0], k, k, p), size(s[1], k, k, p), s[2]),\n"
                  "        'flatten': lambda s: (math.prod(s),),\n"
                  "        'dense': lambda s, units: (*s[:-1], units),\n"
                  "    }\n"
                  "    shapes, shape = [], tuple(input_shape)\n"
                  "    for kind, *arguments in specs:\n"
                  "        shape = rules[kind](shape, *arguments)\n"
                  "        shapes.append(shape)\n"
                  "    return shapes\n",
    },
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "style": "NumPy arithmetic on the spatial pair, converted with int() at the end",
        "why": "computes height and width together as a NumPy array, then turns every entry into a Python int",
        "source": "def output_shapes(input_shape, specs):\n"
                  "    shape = np.array(input_shape)\n"
                  "    result = []\n"
                  "    for spec in specs:\n"
                  "        if spec[0] in ('conv', 'pool'):\n"
                  "            if spec[0] == 'conv':\n"
                  "                window, stride, padding, channels = spec[2], spec[3], spec[4], spec[1]\n"
                  "            else:\n"
                  "                window, stride, padding, channels = spec[1], spec[1], spec[2], shape[-1]\n"
                  "            spatial = np.ceil(shape[:2] / stride) if padding == 'same' else (shape[:2] - window) // stride + 1\n"
                  "            shape = np.append(spatial, channels)\n"
                  "        elif spec[0] == 'flatten':\n"
                  "            shape = np.array([shape.prod()])\n"
                  "        else:\n"
                  "            shape = np.append(shape[:-1], spec[1])\n"
                  "        result.append(tuple(int(d) for d in shape))\n"
                  "    return result\n",
    },
    # receptive-field
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "style": "backward recursion from the output pixel",
        "why": "walks from the last layer down: a field of r pixels after a (k, s) layer needs s * (r - 1) + k below it",
        "source": "def receptive_field(stack):\n"
                  "    field = 1\n"
                  "    for kernel, stride in reversed(stack):\n"
                  "        field = stride * (field - 1) + kernel\n"
                  "    return field\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "style": "closed form with math.prod over the earlier strides",
        "why": "1 + sum of (k - 1) times the product of the strides before each layer",
        "source": "import math\n"
                  "def receptive_field(stack):\n"
                  "    strides = [stride for _, stride in stack]\n"
                  "    return 1 + sum((kernel - 1) * math.prod(strides[:i]) for i, (kernel, _) in enumerate(stack))\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "style": "NumPy cumulative product converted with int()",
        "why": "the spacing of every layer from np.cumprod, the result turned into a Python int",
        "source": "def receptive_field(stack):\n"
                  "    if not stack:\n"
                  "        return 1\n"
                  "    kernels, strides = np.array(stack, dtype=np.int64).T\n"
                  "    spacing = np.concatenate([[1], np.cumprod(strides)[:-1]])\n"
                  "    return int(1 + ((kernels - 1) * spacing).sum())\n",
    },
    # strongest-images
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "style": "model.predict in batches and Python's sorted with a (-peak, index) key",
        "why": "ties broken explicitly by the index in the sort key",
        "source": "def strongest_images(model, layer_name, channel, images, count):\n"
                  "    layer = model.get_layer(layer_name)\n"
                  "    probe = keras.Model(model.inputs, layer.output)\n"
                  "    maps = probe.predict(images, batch_size=16, verbose=0)\n"
                  "    peaks = [float(m[..., channel].max()) for m in maps]\n"
                  "    return sorted(range(len(peaks)), key=lambda i: (-peaks[i], i))[:count]\n",
    },
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "style": "TensorFlow ops: tf.reduce_max and a stable descending tf.argsort",
        "why": "the peaks and their order computed in TensorFlow, converted to ints at the end",
        "source": "def strongest_images(model, layer_name, channel, images, count):\n"
                  "    probe = keras.Model(inputs=model.layers[0].input, outputs=model.get_layer(layer_name).output)\n"
                  "    maps = probe(tf.convert_to_tensor(images, dtype=tf.float32))\n"
                  "    peaks = tf.reduce_max(maps[..., channel], axis=[1, 2])\n"
                  "    order = tf.argsort(peaks, direction='DESCENDING', stable=True)[:count]\n"
                  "    return [int(i) for i in order.numpy()]\n",
    },
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "style": "functional model with a dictionary output and np.lexsort",
        "why": "a one-output dictionary model, ties ordered by lexsort's secondary key",
        "source": "def strongest_images(model, layer_name, channel, images, count):\n"
                  "    probe = keras.Model(inputs=model.inputs, outputs={'maps': model.get_layer(layer_name).output})\n"
                  "    maps = probe(np.asarray(images, dtype='float32'))['maps'].numpy()\n"
                  "    peaks = maps[:, :, :, channel].reshape(len(maps), -1).max(axis=1)\n"
                  "    order = np.lexsort((np.arange(len(peaks)), -peaks))\n"
                  "    return order[:count].tolist()\n",
    },
    # conv2d
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "style": "plain loops over output positions with np.tensordot",
        "why": "one window at a time, the padding written as explicit before/after counts",
        "source": "def conv2d(image, kernel, bias, stride=1, padding='valid'):\n"
                  "    image = np.asarray(image)\n"
                  "    kh, kw, _, filters = np.shape(kernel)\n"
                  "    h, w = image.shape[:2]\n"
                  "    if padding == 'same':\n"
                  "        oh, ow = (h + stride - 1) // stride, (w + stride - 1) // stride\n"
                  "        ph, pw = max((oh - 1) * stride + kh - h, 0), max((ow - 1) * stride + kw - w, 0)\n"
                  "        top, left = ph // 2, pw // 2\n"
                  "        padded = np.zeros((h + ph, w + pw, image.shape[2]), dtype=image.dtype)\n"
                  "        padded[top:top + h, left:left + w] = image\n"
                  "        image = padded\n"
                  "    else:\n"
                  "        oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1\n"
                  "    out = np.empty((oh, ow, filters), dtype=image.dtype)\n"
                  "    for i in range(oh):\n"
                  "        for j in range(ow):\n"
                  "            window = image[i * stride:i * stride + kh, j * stride:j * stride + kw]\n"
                  "            out[i, j] = np.tensordot(window, kernel, axes=3) + bias\n"
                  "    return out\n",
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "style": "sliding_window_view and einsum, vectorised",
        "why": "every window at once, sub-sampled by the stride, contracted with the kernel in one einsum",
        "source": "from numpy.lib.stride_tricks import sliding_window_view\n"
                  "def conv2d(image, kernel, bias, stride=1, padding='valid'):\n"
                  "    image, kernel = np.asarray(image), np.asarray(kernel)\n"
                  "    kh, kw = kernel.shape[:2]\n"
                  "    if padding == 'same':\n"
                  "        pads = []\n"
                  "        for size, k in zip(image.shape[:2], (kh, kw)):\n"
                  "            total = max((-(-size // stride) - 1) * stride + k - size, 0)\n"
                  "            pads.append((total // 2, total - total // 2))\n"
                  "        image = np.pad(image, pads + [(0, 0)])\n"
                  "    windows = sliding_window_view(image, (kh, kw), axis=(0, 1))[::stride, ::stride]\n"
                  "    out = np.einsum('ijcuv,uvcf->ijf', windows, kernel) + bias\n"
                  "    return out.astype(image.dtype)\n",
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "style": "scipy.signal.correlate2d per channel pair, then the strided sub-sampling",
        "why": "the full stride-1 'valid' correlation of the padded image, keeping every stride-th position",
        "source": "from scipy.signal import correlate2d as _correlate2d\n"
                  "def conv2d(image, kernel, bias, stride=1, padding='valid'):\n"
                  "    image, kernel, bias = np.asarray(image), np.asarray(kernel), np.asarray(bias)\n"
                  "    kh, kw, channels, filters = kernel.shape\n"
                  "    if padding == 'same':\n"
                  "        h, w = image.shape[:2]\n"
                  "        ph = max(((h - 1) // stride) * stride + kh - h, 0)\n"
                  "        pw = max(((w - 1) // stride) * stride + kw - w, 0)\n"
                  "        image = np.pad(image, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))\n"
                  "    maps = [sum(_correlate2d(image[:, :, c], kernel[:, :, c, f], mode='valid') for c in range(channels)) + bias[f]\n"
                  "            for f in range(filters)]\n"
                  "    return np.stack(maps, axis=-1)[::stride, ::stride].astype(image.dtype)\n",
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "style": "FFT: scipy.signal.fftconvolve with the kernel flipped",
        "why": "a correlation as an FFT convolution with a flipped kernel; correct up to FFT round-off",
        "source": "from scipy.signal import fftconvolve as _fftconvolve\n"
                  "def conv2d(image, kernel, bias, stride=1, padding='valid'):\n"
                  "    image, kernel, bias = np.asarray(image), np.asarray(kernel), np.asarray(bias)\n"
                  "    kh, kw, channels, filters = kernel.shape\n"
                  "    if padding == 'same':\n"
                  "        pads = []\n"
                  "        for size, k in zip(image.shape[:2], (kh, kw)):\n"
                  "            total = max((-(-size // stride) - 1) * stride + k - size, 0)\n"
                  "            pads.append((total // 2, total - total // 2))\n"
                  "        image = np.pad(image, pads + [(0, 0)])\n"
                  "    flipped = kernel[::-1, ::-1]\n"
                  "    out = np.stack([_fftconvolve(image, flipped[:, :, :, f], mode='valid', axes=(0, 1)).sum(axis=-1)\n"
                  "                    for f in range(filters)], axis=-1)\n"
                  "    return (out[::stride, ::stride] + bias).astype(image.dtype)\n",
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "style": "float32 arithmetic whatever the input, cast back to the input's dtype",
        "why": "a float64 image computed in float32 differs from Keras only by float32 rounding",
        "source": "def conv2d(image, kernel, bias, stride=1, padding='valid'):\n"
                  "    dtype = np.asarray(image).dtype\n"
                  "    image = np.asarray(image, dtype=np.float32)\n"
                  "    kernel, bias = np.asarray(kernel, dtype=np.float32), np.asarray(bias, dtype=np.float32)\n"
                  "    kh, kw = kernel.shape[:2]\n"
                  "    h, w = image.shape[:2]\n"
                  "    if padding == 'same':\n"
                  "        oh, ow = -(-h // stride), -(-w // stride)\n"
                  "        ph, pw = max((oh - 1) * stride + kh - h, 0), max((ow - 1) * stride + kw - w, 0)\n"
                  "        image = np.pad(image, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))\n"
                  "    else:\n"
                  "        oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1\n"
                  "    rows = np.arange(oh)[:, None, None, None] * stride + np.arange(kh)[None, None, :, None]\n"
                  "    cols = np.arange(ow)[None, :, None, None] * stride + np.arange(kw)[None, None, None, :]\n"
                  "    patches = image[rows, cols]                                 # (oh, ow, kh, kw, C)\n"
                  "    out = patches.reshape(oh, ow, -1) @ kernel.reshape(-1, kernel.shape[3]) + bias\n"
                  "    return out.astype(dtype)\n",
    },
    # max-pool
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "style": "loops over the blocks, clipping the windows at the borders instead of padding",
        "why": "for 'same', each block is cut to the part inside the map, so no padding value is ever compared",
        "source": "def max_pool(maps, size=2, padding='valid'):\n"
                  "    maps = np.asarray(maps)\n"
                  "    h, w, c = maps.shape\n"
                  "    if padding == 'same':\n"
                  "        rows, cols = -(-h // size), -(-w // size)\n"
                  "        top, left = (rows * size - h) // 2, (cols * size - w) // 2\n"
                  "    else:\n"
                  "        rows, cols, top, left = h // size, w // size, 0, 0\n"
                  "    out = np.empty((rows, cols, c), dtype=maps.dtype)\n"
                  "    for i in range(rows):\n"
                  "        for j in range(cols):\n"
                  "            r0, c0 = max(i * size - top, 0), max(j * size - left, 0)\n"
                  "            out[i, j] = maps[r0:i * size - top + size, c0:j * size - left + size].max(axis=(0, 1))\n"
                  "    return out\n",
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "style": "sliding_window_view with a step, padding from np.full(-inf)",
        "why": "windows of size x size taken every size pixels; the same-padding canvas filled with -inf",
        "source": "from numpy.lib.stride_tricks import sliding_window_view\n"
                  "def max_pool(maps, size=2, padding='valid'):\n"
                  "    maps = np.asarray(maps)\n"
                  "    h, w, c = maps.shape\n"
                  "    if padding == 'same':\n"
                  "        rows, cols = -(-h // size), -(-w // size)\n"
                  "        canvas = np.full((rows * size, cols * size, c), -np.inf, dtype=maps.dtype)\n"
                  "        top, left = (rows * size - h) // 2, (cols * size - w) // 2\n"
                  "        canvas[top:top + h, left:left + w] = maps\n"
                  "        maps = canvas\n"
                  "    windows = sliding_window_view(maps, (size, size), axis=(0, 1))[::size, ::size]\n"
                  "    return windows.max(axis=(-2, -1))\n",
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "style": "np.maximum.reduceat along each axis",
        "why": "the maximum of each run of `size` rows, then of each run of `size` columns",
        "source": "def max_pool(maps, size=2, padding='valid'):\n"
                  "    maps = np.asarray(maps)\n"
                  "    h, w, _ = maps.shape\n"
                  "    if padding == 'same':\n"
                  "        ph, pw = -(-h // size) * size - h, -(-w // size) * size - w\n"
                  "        maps = np.pad(maps, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)), constant_values=-np.inf)\n"
                  "    else:\n"
                  "        maps = maps[: h // size * size, : w // size * size]\n"
                  "    rows = np.maximum.reduceat(maps, np.arange(0, maps.shape[0], size), axis=0)\n"
                  "    return np.maximum.reduceat(rows, np.arange(0, maps.shape[1], size), axis=1)\n",
    },
]
