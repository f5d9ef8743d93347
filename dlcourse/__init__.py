"""dlcourse — 딥러닝 실습(RNN에서 GAN까지)의 도우미 패키지.

Student side: ``config`` (paths, fast mode, sizes), ``seed``, ``data``, ``plots``, ``reference``, ``colab``.
Instructor side: ``cli`` (``dlcourse …`` commands), ``notebooks`` (execution), ``cells`` (Colab first cells).

Importing the package imports nothing heavy (no TensorFlow): each module imports what it needs.
"""

__version__ = "0.1.0"
