"""识别、退出、返贫、监测、风险消除: the procedures, their public notices, risk clues, tasks and the
yearly dynamic adjustment."""
