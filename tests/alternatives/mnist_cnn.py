"""Correct answers for source/mnist_cnn written in other styles than the reference: each must pass its test cells."""

ALTERNATIVES = [
    # Exercise 1: a filter for horizontal lines
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "style": "nested list",
        "why": "a smoothed line detector written as a list of lists",
        "source": "line_filter = [[-1, -2, -1], [2, 4, 2], [-1, -2, -1]]\n",
    },
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "style": "other filter",
        "why": "only the centre column, scaled: compares a pixel with the ones above and below",
        "source": "line_filter = 0.5 * np.array([[0.0, -1.0, 0.0], [0.0, 2.0, 0.0], [0.0, -1.0, 0.0]])\n",
    },
    {
        "answer": "line-filter-answer",
        "tests": ["line-filter-tests"],
        "style": "NumPy construction",
        "why": "an outer product of a vertical second difference and a horizontal sum",
        "source": "line_filter = np.outer([-1, 2, -1], [1, 1, 1]).astype(np.int64)\n",
    },
    # Exercise 2: the cross-entropy from logits
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "style": "scipy",
        "why": "scipy's logsumexp, and the class of a one-hot target found with np.flatnonzero",
        "source": "from scipy.special import logsumexp\n\n\n"
        "def cross_entropy(logits, target):\n"
        "    target = np.asarray(target)\n"
        "    true_class = int(np.flatnonzero(target)[0]) if target.ndim else int(target)\n"
        "    return float(logsumexp(logits) - logits[true_class])\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "style": "keras, float32 result",
        "why": "Keras' categorical cross-entropy from logits on a one-hot target; returns a NumPy float32",
        "source": "def cross_entropy(logits, target):\n"
        "    target = np.asarray(target)\n"
        "    one_hot = target if target.ndim else keras.utils.to_categorical(int(target), num_classes=len(logits))\n"
        "    loss = keras.losses.categorical_crossentropy(np.asarray(one_hot, dtype=np.float64)[np.newaxis],\n"
        "                                                 np.asarray(logits, dtype=np.float64)[np.newaxis], from_logits=True)\n"
        "    return loss.numpy()[0]\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "style": "tensorflow",
        "why": "TensorFlow's sparse softmax cross-entropy, converted to a Python float",
        "source": "def cross_entropy(logits, target):\n"
        "    if np.ndim(target) == 1:\n"
        "        target = int(np.argmax(target))\n"
        "    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=int(target), logits=tf.constant(logits, tf.float64))\n"
        "    return float(loss)\n",
    },
    {
        "answer": "cross-entropy-answer",
        "tests": ["cross-entropy-tests"],
        "style": "loops",
        "why": "plain Python with the math module, shifting by the largest logit",
        "source": "import math\n\n\n"
        "def cross_entropy(logits, target):\n"
        "    scores = [float(z) for z in logits]\n"
        "    if isinstance(target, (list, tuple, np.ndarray)) and np.ndim(target) == 1:\n"
        "        true_class = [i for i, t in enumerate(target) if t == 1][0]\n"
        "    else:\n"
        "        true_class = int(target)\n"
        "    top = max(scores)\n"
        "    return top + math.log(sum(math.exp(z - top) for z in scores)) - scores[true_class]\n",
    },
    # Exercise 3: the output shape and parameters of any convolution
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "style": "keras",
        "why": "builds the layer (untrained) and reads its output shape and parameter count",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    layer = layers.Conv2D(filters, kernel_size, strides=stride, padding=padding)\n"
        "    output = layer(keras.Input(shape=tuple(input_shape)))\n"
        "    return tuple(int(d) for d in output.shape[1:]), int(layer.count_params())\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "style": "math.floor",
        "why": "true division rounded down with math.floor, which returns an int",
        "source": "import math\n\n\n"
        "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = (int(d) for d in input_shape)\n"
        "    pad = (kernel_size - 1) / 2 if padding == 'same' else 0\n"
        "    out = [math.floor((side - kernel_size + 2 * pad) / stride) + 1 for side in (height, width)]\n"
        "    weights = kernel_size * kernel_size * channels * filters\n"
        "    return (out[0], out[1], int(filters)), weights + filters\n",
    },
    {
        "answer": "conv-layer-answer",
        "tests": ["conv-layer-tests"],
        "style": "ceil formula for same",
        "why": "'same' as ceil(I / S) with integer arithmetic, 'valid' as ceil((I - K + 1) / S)",
        "source": "def conv_output_and_params(input_shape, filters, kernel_size, stride=1, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    if padding == 'same':\n"
        "        shape = (-(-height // stride), -(-width // stride), filters)\n"
        "    else:\n"
        "        shape = (-(-(height - kernel_size + 1) // stride), -(-(width - kernel_size + 1) // stride), filters)\n"
        "    return shape, (kernel_size ** 2 * channels + 1) * filters\n",
    },
    # Exercise 4: the receptive field of a stack
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "style": "backwards",
        "why": "walks from the output back to the input: r <- (r - 1) * stride + kernel",
        "source": "def receptive_field(stack):\n"
        "    size = 1\n"
        "    for kernel_size, stride in reversed(list(stack)):\n"
        "        size = (size - 1) * stride + kernel_size\n"
        "    return size\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "style": "recursion",
        "why": "recursion on the first layer, with math.prod for the spacing",
        "source": "import math\n\n\n"
        "def receptive_field(stack):\n"
        "    if not stack:\n"
        "        return 1\n"
        "    kernels = [k for k, _ in stack]\n"
        "    strides = [s for _, s in stack]\n"
        "    return receptive_field(stack[:-1]) + (kernels[-1] - 1) * math.prod(strides[:-1])\n",
    },
    # Exercise 5: diagnose four training runs
    {
        "answer": "training-curves-answer",
        "tests": ["training-curves-tests"],
        "style": "computed from the data",
        "why": "the dict built entry by entry, the epoch read off the validation losses",
        "source": "diagnosis = dict(D='under-fitting', C='good fit')\n"
        "diagnosis['B'] = 'over-fitting'\n"
        "diagnosis['A'] = 'learning rate too high'\n"
        "stop_epoch = int(np.argmin(runs['B']['val_loss'])) + 1\n",
    },
    {
        "answer": "training-curves-answer",
        "tests": ["training-curves-tests"],
        "style": "min with a key",
        "why": "the epoch as the argument of the minimum over 1..10",
        "source": "diagnosis = {'C': 'good fit', 'A': 'learning rate too high', 'D': 'under-fitting', 'B': 'over-fitting'}\n"
        "stop_epoch = min(range(1, 11), key=lambda epoch: runs['B']['val_loss'][epoch - 1])\n",
    },
    # Exercise 7: a picture with a transparent background
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "style": "Pillow",
        "why": "Pillow composites the picture over white, converts to L and resizes bilinearly",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.uint8)\n"
        "    rgba = Image.fromarray(pixels).convert('RGBA')\n"
        "    paper = Image.new('RGBA', rgba.size, (255, 255, 255, 255))\n"
        "    gray = Image.alpha_composite(paper, rgba).convert('L').resize((28, 28), Image.BILINEAR)\n"
        "    return ((255 - np.asarray(gray, dtype=np.float32)) / 255)[np.newaxis, ..., np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "style": "crop and centre like mnist_style",
        "why": "composites over white, then the notebook's own mnist_style; a blank picture gives zeros",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = np.asarray(picture, dtype=np.float64)\n"
        "    if pixels.shape[-1] == 4:\n"
        "        alpha = pixels[..., 3:] / 255.0\n"
        "        pixels = alpha * pixels[..., :3] + (1.0 - alpha) * 255.0\n"
        "    try:\n"
        "        return mnist_style(Image.fromarray(pixels.round().astype(np.uint8)))[np.newaxis]\n"
        "    except ValueError:  # no ink\n"
        "        return np.zeros((1, 28, 28, 1), dtype=np.float32)\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "style": "TensorFlow",
        "why": "tf.image.rgb_to_grayscale and a bilinear tf.image.resize with antialiasing",
        "source": "def drawing_to_batch(picture):\n"
        "    pixels = tf.convert_to_tensor(picture, tf.float32)\n"
        "    if pixels.shape[-1] == 4:\n"
        "        alpha = pixels[..., 3:] / 255.0\n"
        "        pixels = alpha * pixels[..., :3] + (1.0 - alpha) * 255.0\n"
        "    ink = 1.0 - tf.image.rgb_to_grayscale(pixels) / 255.0\n"
        "    small = tf.image.resize(ink, (28, 28), method='bilinear', antialias=True)\n"
        "    return tf.clip_by_value(small, 0.0, 1.0)[tf.newaxis].numpy()\n",
    },
]
