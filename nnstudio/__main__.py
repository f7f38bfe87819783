from nnstudio.cli import main

if __name__ == "__main__":  # not when a training process imports this as __mp_main__
    raise SystemExit(main())
