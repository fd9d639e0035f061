"""Plausible wrong answers for source/inside_cnn: each must make its test cell fail."""

MUTANTS = [
    {
        "answer": "intermediate-model-answer",
        "tests": ["intermediate-model-tests"],
        "why": "off by one: takes the output of the layer after the named one",
        "source": "def intermediate_model(model, layer_name):\n"
                  "    names = [layer.name for layer in model.layers]\n"
                  "    return keras.Model(inputs=model.inputs, outputs=model.layers[names.index(layer_name) + 1].output)\n",
    },
    {
        "answer": "intermediate-model-answer",
        "tests": ["intermediate-model-tests"],
        "why": "clones the model, so the layers and weights are fresh copies, not shared",
        "source": "def intermediate_model(model, layer_name):\n"
                  "    copy = keras.models.clone_model(model)\n"
                  "    return keras.Model(inputs=copy.inputs, outputs=copy.get_layer(layer_name).output)\n",
    },
    {
        "answer": "conv2d-single-answer",
        "tests": ["conv2d-single-tests"],
        "why": "true convolution: flips the kernel, which Keras does not",
        "source": "def conv2d_single(image, kernel, bias=0.0, padding='same'):\n"
                  "    image = np.asarray(image, dtype=float)\n"
                  "    kernel = np.asarray(kernel, dtype=float)[::-1, ::-1]\n"
                  "    kh, kw = kernel.shape\n"
                  "    if padding == 'same':\n"
                  "        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))\n"
                  "    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1\n"
                  "    out = np.full((oh, ow), float(bias))\n"
                  "    for u in range(kh):\n"
                  "        for v in range(kw):\n"
                  "            out += kernel[u, v] * image[u:u + oh, v:v + ow]\n"
                  "    return out\n",
    },
    {
        "answer": "conv2d-single-answer",
        "tests": ["conv2d-single-tests"],
        "why": "forgets the bias",
        "source": "def conv2d_single(image, kernel, bias=0.0, padding='same'):\n"
                  "    image = np.asarray(image, dtype=float)\n"
                  "    kernel = np.asarray(kernel, dtype=float)\n"
                  "    kh, kw = kernel.shape\n"
                  "    if padding == 'same':\n"
                  "        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))\n"
                  "    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1\n"
                  "    out = np.zeros((oh, ow))\n"
                  "    for u in range(kh):\n"
                  "        for v in range(kw):\n"
                  "            out += kernel[u, v] * image[u:u + oh, v:v + ow]\n"
                  "    return out\n",
    },
    {
        "answer": "conv2d-single-answer",
        "tests": ["conv2d-single-tests"],
        "why": "'same' padding sized from the kernel height only (wrong for non-square kernels)",
        "source": "def conv2d_single(image, kernel, bias=0.0, padding='same'):\n"
                  "    image = np.asarray(image, dtype=float)\n"
                  "    kernel = np.asarray(kernel, dtype=float)\n"
                  "    kh, kw = kernel.shape\n"
                  "    if padding == 'same':\n"
                  "        image = np.pad(image, kh // 2)\n"
                  "    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1\n"
                  "    out = np.full((oh, ow), float(bias))\n"
                  "    for u in range(kh):\n"
                  "        for v in range(kw):\n"
                  "            out += kernel[u, v] * image[u:u + oh, v:v + ow]\n"
                  "    return out\n",
    },
    {
        "answer": "conv2d-single-answer",
        "tests": ["conv2d-single-tests"],
        "why": "accumulates into np.zeros_like(image), keeping an integer input's dtype",
        "source": "def conv2d_single(image, kernel, bias=0.0, padding='same'):\n"
                  "    image = np.asarray(image)\n"
                  "    kernel = np.asarray(kernel, dtype=float)\n"
                  "    kh, kw = kernel.shape\n"
                  "    if padding == 'same':\n"
                  "        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))\n"
                  "    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1\n"
                  "    out = np.zeros_like(image[:oh, :ow])\n"
                  "    out[...] = bias\n"
                  "    for u in range(kh):\n"
                  "        for v in range(kw):\n"
                  "            out[...] = out + kernel[u, v] * image[u:u + oh, v:v + ow]\n"
                  "    return out\n",
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "why": "wrong reshape order: groups (H//s, W//s, s, s) instead of (H//s, s, W//s, s)",
        "source": "def max_pool(maps, size=2):\n"
                  "    maps = np.asarray(maps)\n"
                  "    h, w, c = maps.shape\n"
                  "    maps = maps[: h // size * size, : w // size * size]\n"
                  "    return maps.reshape(h // size, w // size, size, size, c).max(axis=(2, 3))\n",
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "why": "does not crop leftover rows and columns, so odd sizes fail",
        "source": "def max_pool(maps, size=2):\n"
                  "    maps = np.asarray(maps)\n"
                  "    h, w, c = maps.shape\n"
                  "    return maps.reshape(h // size, size, w // size, size, c).max(axis=(1, 3))\n",
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "why": "starts the maximum at 0 (as if after a ReLU), wrong for negative inputs",
        "source": "def max_pool(maps, size=2):\n"
                  "    maps = np.asarray(maps)\n"
                  "    h, w, c = maps.shape\n"
                  "    maps = maps[: h // size * size, : w // size * size]\n"
                  "    return np.maximum(maps.reshape(h // size, size, w // size, size, c).max(axis=(1, 3)), 0)\n",
    },
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "why": "treats every convolution as 'same' (ignores the padding argument)",
        "source": "def output_shapes(input_shape, specs):\n"
                  "    shape, shapes = tuple(input_shape), []\n"
                  "    for spec in specs:\n"
                  "        if spec[0] == 'conv':\n"
                  "            shape = (shape[0], shape[1], spec[1])\n"
                  "        elif spec[0] == 'pool':\n"
                  "            shape = (shape[0] // spec[1], shape[1] // spec[1], shape[2])\n"
                  "        elif spec[0] == 'flatten':\n"
                  "            shape = (int(np.prod(shape)),)\n"
                  "        else:\n"
                  "            shape = (spec[1],)\n"
                  "        shapes.append(shape)\n"
                  "    return shapes\n",
    },
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "why": "pooling rounds up instead of dropping the leftover rows and columns",
        "source": "import math\n"
                  "def output_shapes(input_shape, specs):\n"
                  "    shape, shapes = tuple(input_shape), []\n"
                  "    for spec in specs:\n"
                  "        if spec[0] == 'conv':\n"
                  "            k = spec[2] if spec[3] == 'valid' else 1\n"
                  "            shape = (shape[0] - k + 1, shape[1] - k + 1, spec[1])\n"
                  "        elif spec[0] == 'pool':\n"
                  "            shape = (math.ceil(shape[0] / spec[1]), math.ceil(shape[1] / spec[1]), shape[2])\n"
                  "        elif spec[0] == 'flatten':\n"
                  "            shape = (int(np.prod(shape)),)\n"
                  "        else:\n"
                  "            shape = (spec[1],)\n"
                  "        shapes.append(shape)\n"
                  "    return shapes\n",
    },
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "why": "off by one in 'valid' convolution: H - K instead of H - K + 1",
        "source": "def output_shapes(input_shape, specs):\n"
                  "    shape, shapes = tuple(input_shape), []\n"
                  "    for spec in specs:\n"
                  "        if spec[0] == 'conv':\n"
                  "            k = spec[2] if spec[3] == 'valid' else 0\n"
                  "            shape = (shape[0] - k, shape[1] - k, spec[1])\n"
                  "        elif spec[0] == 'pool':\n"
                  "            shape = (shape[0] // spec[1], shape[1] // spec[1], shape[2])\n"
                  "        elif spec[0] == 'flatten':\n"
                  "            shape = (int(np.prod(shape)),)\n"
                  "        else:\n"
                  "            shape = (spec[1],)\n"
                  "        shapes.append(shape)\n"
                  "    return shapes\n",
    },
    {
        "answer": "most-active-answer",
        "tests": ["most-active-tests"],
        "why": "uses the largest single value instead of the mean",
        "source": "def most_active_filter(maps):\n"
                  "    return int(np.argmax(np.asarray(maps).max(axis=(0, 1))))\n",
    },
    {
        "answer": "most-active-answer",
        "tests": ["most-active-tests"],
        "why": "averages over the wrong axes (height and channels instead of height and width)",
        "source": "def most_active_filter(maps):\n"
                  "    return int(np.argmax(np.asarray(maps).mean(axis=(0, 2))))\n",
    },
    {
        "answer": "most-active-answer",
        "tests": ["most-active-tests"],
        "why": "argmax of the flattened array: a position, not a channel index",
        "source": "def most_active_filter(maps):\n"
                  "    return int(np.argmax(maps))\n",
    },
]
